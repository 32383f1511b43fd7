package dev.trainer4j.tf.cluster;

import dev.trainer4j.api.BackendException;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

import static java.util.Objects.requireNonNull;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

/**
 * Opens a {@link Session} on a TensorFlow server ({@code grpc://host:port}), which TF Java 1.1.0's public
 * constructors cannot do: the session is created through the C API with {@code TF_SetTarget} and wrapped by
 * {@code Session}'s package-private constructor (reached by reflection). The wrapped session does not initialise
 * itself: call {@link Session#initialize()} as with {@code autoInit = false}.
 */
public final class TfRemoteSessions {
    private static final Method GRAPH_REFERENCE;
    private static final Method REFERENCE_HANDLE;
    private static final Constructor<Session> WRAP;

    static {
        try {
            GRAPH_REFERENCE = Graph.class.getDeclaredMethod("ref");
            GRAPH_REFERENCE.setAccessible(true);
            Class<?> reference = Class.forName("org.tensorflow.Graph$Reference");
            REFERENCE_HANDLE = reference.getDeclaredMethod("nativeHandle");
            REFERENCE_HANDLE.setAccessible(true);
            WRAP = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
            WRAP.setAccessible(true);
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("TensorFlow Java's Session/Graph internals differ from 1.1.0: " + e);
        }
    }

    private TfRemoteSessions() {
    }

    /**
     * A session on {@code graph} whose master is the server at {@code target}.
     *
     * @throws BackendException naming the target when TensorFlow cannot create the session
     */
    public static Session open(Graph graph, String target, ConfigProto config) {
        requireNonNull(graph, "graph is null");
        requireNonNull(target, "target is null");
        requireNonNull(config, "config is null");
        AutoCloseable reference = null;
        TF_SessionOptions options = TF_NewSessionOptions();
        TF_Status status = TF_Status.newStatus();
        byte[] configBytes = config.toByteArray();
        try (BytePointer configPointer = new BytePointer(configBytes)) {
            TF_SetTarget(options, target);
            TF_SetConfig(options, configPointer, configBytes.length, status);
            check(status, target);
            reference = (AutoCloseable) GRAPH_REFERENCE.invoke(graph);
            TF_Graph graphHandle = (TF_Graph) REFERENCE_HANDLE.invoke(reference);
            TF_Session handle = TF_NewSession(graphHandle, options, status);
            check(status, target);
            return WRAP.newInstance(graph, handle);
        }
        catch (ReflectiveOperationException e) {
            throw new BackendException("session target " + target, "cannot wrap a session on " + target + ": " + e, e);
        }
        finally {
            TF_DeleteSessionOptions(options);
            status.close();
            if (reference != null) {
                try {
                    reference.close();
                }
                catch (Exception e) {
                    throw new IllegalStateException("closing the graph reference failed", e);
                }
            }
        }
    }

    private static void check(TF_Status status, String target) {
        if (TF_GetCode(status) != 0) {
            throw new BackendException("session target " + target, "TensorFlow cannot open a session on " + target
                    + ": " + TF_Message(status).getString(), null);
        }
    }
}
