package dev.trainer4j.plugins.tensorboard;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.SummaryMetadata;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A TensorBoard event-file writer made of TensorFlow's own summary ops ({@code CreateSummaryFileWriter},
 * {@code WriteScalarSummary}, {@code WriteSummary}, {@code FlushSummaryWriter}, {@code CloseSummaryWriter}) in a
 * small Graph and Session of its own. The graph is built once; every write is one {@code Session.run} with the tag,
 * step and value fed as tensors. The session uses one intra-op and one inter-op thread of its own
 * ({@code use_per_session_threads}), so it never competes with or sizes the training session's pools.
 *
 * <p>Files are named {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2} by TensorFlow. Not thread-safe:
 * the training loop fires callbacks from one thread.
 */
final class TfSummaryWriter implements AutoCloseable {
    /** TensorBoard's text plugin reads string tensors whose metadata names this plugin. */
    static final String TEXT_PLUGIN = "text";

    private final Graph graph;
    private final Session session;
    private final Placeholder<TString> tag;
    private final Placeholder<TInt64> step;
    private final Placeholder<TFloat32> scalar;
    private final Placeholder<TString> text;
    private final Placeholder<TString> metadata;
    private final Placeholder<TFloat32> values;
    private final Op writeHistogram;
    private final Op writeScalar;
    private final Op writeText;
    private final Op flush;
    private final Op closeWriter;
    private boolean closed;

    /**
     * Builds the graph, opens the session and creates the event file in {@code logDirectory}.
     *
     * @param logDirectory the folder of the event files (created by TensorFlow when missing)
     * @param maxQueue     events buffered before they are written
     * @param flushMillis  the longest time an event stays in the buffer
     */
    TfSummaryWriter(Path logDirectory, int maxQueue, int flushMillis) {
        requireNonNull(logDirectory, "logDirectory is null");
        Graph newGraph = new Graph();
        Session newSession = null;
        try {
            Ops tf = Ops.create(newGraph);
            SummaryWriter writer = tf.withName("writer").summary.summaryWriter();
            tag = tf.withName("tag").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            step = tf.withName("step").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            scalar = tf.withName("scalar").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            text = tf.withName("text").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            metadata = tf.withName("metadata").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            values = tf.withName("values").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
            Op create = tf.withName("create_writer").summary.createSummaryFileWriter(writer,
                    tf.constant(logDirectory.toAbsolutePath().toString()), tf.constant(maxQueue), tf.constant(flushMillis),
                    tf.constant(".v2"));
            writeScalar = tf.withName("write_scalar").summary.writeScalarSummary(writer, step, tag, scalar);
            writeText = tf.withName("write_text").summary.writeSummary(writer, step, text, tag, metadata);
            writeHistogram = tf.withName("write_histogram").summary.writeHistogramSummary(writer, step, tag, values);
            flush = tf.withName("flush").summary.flushSummaryWriter(writer);
            closeWriter = tf.withName("close").summary.closeSummaryWriter(writer);
            ConfigProto config = ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(1)
                    .setInterOpParallelismThreads(1)
                    .setUsePerSessionThreads(true)
                    .build();
            newSession = new Session(newGraph, config);
            newSession.run(create);
        }
        catch (RuntimeException | Error e) {
            if (newSession != null) {
                newSession.close();
            }
            newGraph.close();
            throw e;
        }
        this.graph = newGraph;
        this.session = newSession;
    }

    /** Writes {@code value} (as TensorBoard's float32 {@code simple_value}) under {@code tagName} at {@code globalStep}. */
    void writeScalar(String tagName, long globalStep, float value) {
        ensureOpen();
        try (TString tagTensor = TString.scalarOf(tagName);
             TInt64 stepTensor = TInt64.scalarOf(globalStep);
             TFloat32 valueTensor = TFloat32.scalarOf(value)) {
            session.runner().feed(tag, tagTensor).feed(step, stepTensor).feed(scalar, valueTensor).addTarget(writeScalar).run()
                    .close();
        }
    }

    /** Writes {@code markdown} as a text summary (TensorBoard's Text tab) under {@code tagName} at {@code globalStep}. */
    void writeText(String tagName, long globalStep, String markdown) {
        writeString(tagName, globalStep, markdown, SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName(TEXT_PLUGIN))
                .build());
    }

    /** Writes a string tensor with {@code summaryMetadata} (which names the TensorBoard plugin that reads it). */
    void writeString(String tagName, long globalStep, String value, SummaryMetadata summaryMetadata) {
        ensureOpen();
        try (TString tagTensor = TString.scalarOf(tagName);
             TInt64 stepTensor = TInt64.scalarOf(globalStep);
             TString textTensor = TString.tensorOfBytes(Shape.scalar(),
                     DataBuffers.ofObjects(value.getBytes(StandardCharsets.UTF_8)));
             TString metadataTensor = TString.tensorOfBytes(Shape.scalar(), DataBuffers.ofObjects(summaryMetadata.toByteArray()))) {
            session.runner().feed(tag, tagTensor).feed(step, stepTensor).feed(text, textTensor)
                    .feed(metadata, metadataTensor).addTarget(writeText).run().close();
        }
    }

    /** Writes a histogram of {@code data} (TensorFlow's default buckets) under {@code tagName} at {@code globalStep}. */
    void writeHistogram(String tagName, long globalStep, float[] data) {
        ensureOpen();
        try (TString tagTensor = TString.scalarOf(tagName);
             TInt64 stepTensor = TInt64.scalarOf(globalStep);
             TFloat32 valuesTensor = TFloat32.vectorOf(data)) {
            session.runner().feed(tag, tagTensor).feed(step, stepTensor).feed(values, valuesTensor).addTarget(writeHistogram)
                    .run().close();
        }
    }

    /** Writes every buffered event to the file. */
    void flush() {
        ensureOpen();
        session.runner().addTarget(flush).run().close();
    }

    boolean isClosed() {
        return closed;
    }

    /** Flushes and closes the event file, then the session and the graph; a second call does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.runner().addTarget(closeWriter).run().close();
        }
        finally {
            try {
                session.close();
            }
            finally {
                graph.close();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the TensorBoard writer is closed");
        }
    }
}
