package dev.trainer4j.data.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.CollateContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Collates upcoming batches on a pool of daemon worker threads ({@code trainer4j-loader-N}) and hands them out in
 * batch order.
 *
 * <p>A feeder thread ({@code trainer4j-loader-feeder-N}) takes the batches' reads from the {@link BatchSource} in
 * order (so a stream is read sequentially by one thread) and submits one collation task per batch; the task's
 * {@link CollateContext} depends only on (data-seed, epoch, batch index), so the batches are bit for bit those of
 * {@link SequentialBatchIterator}. A semaphore keeps at most {@code numWorkers * prefetchFactor} batches between
 * submission and {@link #next()}; the futures wait in a FIFO queue, so a batch finished early waits for the ones
 * before it. {@link #position()} counts only batches returned by {@code next()}.
 *
 * <p>A failure while reading or collating batch {@code k} surfaces from the {@code next()} that would have returned
 * it, as a {@link DataLoadingException} carrying the original cause; the iterator is closed then. {@link #close()}
 * cancels pending work and waits for the threads to end.
 *
 * <p>An interrupt of the consuming thread does not abort a wait for the next batch: {@code hasNext()} and
 * {@code next()} go on waiting, hand out the batch (so {@link #position()} stays exact) and set the thread's
 * interrupt flag again, leaving the decision to stop to the caller (the training loop stops at the next step
 * boundary). {@code close()} likewise waits for the threads and then restores the flag.
 */
final class PrefetchingBatchIterator implements BatchIterator {
    private static final Logger LOG = LoggerFactory.getLogger(PrefetchingBatchIterator.class);
    private static final AtomicLong THREAD_NUMBERS = new AtomicLong();
    private static final long CLOSE_TIMEOUT_SECONDS = 30;

    /** One batch on its way: its collation, a failed read, or the end of the epoch. */
    private record Slot(long batchIndex, Future<Batch> batch, Throwable readFailure) {
        boolean isEnd() {
            return batch == null && readFailure == null;
        }
    }

    private final int epoch;
    private final ExecutorService workers;
    private final Thread feeder;
    private final Semaphore inFlight;
    private final BlockingQueue<Slot> slots = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private long position;
    private Slot head;

    PrefetchingBatchIterator(BatchSource source, long dataSeed, int epoch, long startBatch,
                             PrefetchSettings settings) {
        requireNonNull(source, "source is null");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("prefetching needs dataloader-num-workers > 0, got " + settings.numWorkers());
        }
        this.epoch = epoch;
        this.position = startBatch;
        this.inFlight = new Semaphore(settings.maxBatchesInFlight());
        this.workers = Executors.newFixedThreadPool(settings.numWorkers(), daemonThreads("trainer4j-loader-"));
        this.feeder = daemonThreads("trainer4j-loader-feeder-").newThread(() -> feed(source, dataSeed, startBatch));
        feeder.start();
    }

    /** Daemon threads, each remembered so that {@link #close()} can wait until it has really ended. */
    private ThreadFactory daemonThreads(String prefix) {
        return task -> {
            Thread thread = new Thread(task, prefix + THREAD_NUMBERS.incrementAndGet());
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        };
    }

    /** Runs on the feeder thread: reads batches in order and submits their collation while permits last. */
    private void feed(BatchSource source, long dataSeed, long startBatch) {
        long index = startBatch;
        try {
            while (!closed) {
                inFlight.acquire();
                BatchSource.BatchRead read;
                try {
                    read = source.next();
                }
                catch (RuntimeException | Error failure) {
                    slots.add(new Slot(index, null, failure));
                    return;
                }
                if (read == null) {
                    slots.add(new Slot(index, null, null));
                    return;
                }
                CollateContext context = Batches.context(dataSeed, epoch, index);
                slots.add(new Slot(index, workers.submit(() -> read.build(context)), null));
                index++;
            }
        }
        catch (InterruptedException | RejectedExecutionException stopped) {
            // close() interrupts the feeder and shuts the pool down; nobody waits for further slots
            if (!closed) {
                slots.add(new Slot(index, null, stopped));
            }
        }
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (head == null) {
            head = takeUninterruptibly();
        }
        return !head.isEnd();
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " ended at batch " + position
                    + (closed ? " (or the iterator was closed)" : ""));
        }
        Slot slot = head;
        head = null;
        inFlight.release();
        try {
            if (slot.readFailure() != null) {
                throw new ExecutionException(slot.readFailure());
            }
            Batch batch = getUninterruptibly(slot.batch());
            position++;
            return batch;
        }
        catch (ExecutionException failed) {
            close();
            throw new DataLoadingException(epoch, slot.batchIndex(), failed.getCause());
        }
    }

    /** The next slot; an interrupt meanwhile is kept as the thread's flag, not thrown. */
    private Slot takeUninterruptibly() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return slots.take();
                }
                catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The collated batch; an interrupt meanwhile is kept as the thread's flag, not thrown. */
    private static Batch getUninterruptibly(Future<Batch> batch) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return batch.get();
                }
                catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cancels the batches still in flight and waits for the feeder and the workers to end. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feeder.interrupt();
        workers.shutdownNow();
        cancel(head);
        head = null;
        for (Slot slot = slots.poll(); slot != null; slot = slots.poll()) {
            cancel(slot);
        }
        // The feeder first: once it has ended nobody submits, so no worker thread can appear after the list is
        // read. A pool counts as terminated a moment before its last thread ends, so join the threads themselves.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS);
        boolean interrupted = joinUninterruptibly(feeder, deadline);
        for (Thread thread : threads) {
            interrupted |= joinUninterruptibly(thread, deadline);
        }
        List<String> alive = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!alive.isEmpty()) {
            LOG.warn("data loader threads {} of epoch {} did not stop within {} s of close(); a collator or stream ignores interrupts",
                    alive, epoch, CLOSE_TIMEOUT_SECONDS);
        }
        // the feeder may have queued a slot between the drain above and its exit
        for (Slot slot = slots.poll(); slot != null; slot = slots.poll()) {
            cancel(slot);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for {@code thread} until {@code deadline} (nanoTime); returns whether this thread was interrupted meanwhile. */
    private static boolean joinUninterruptibly(Thread thread, long deadline) {
        boolean interrupted = false;
        while (true) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0 || !thread.isAlive()) {
                return interrupted;
            }
            try {
                thread.join(remainingMillis);
                return interrupted;
            }
            catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    private static void cancel(Slot slot) {
        if (slot != null && slot.batch() != null) {
            slot.batch().cancel(true);
        }
    }
}
