package dev.trainer4j.plugins.tokenizers;

import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Records every network connection (and host lookup) the JVM is asked to make while installed, at the JDK level:
 * {@code Socket}, {@code URLConnection}, {@code InetAddress} lookups and NIO channels all call
 * {@link SecurityManager#checkConnect} first. Allows everything else. Needs {@code -Djava.security.manager=allow}.
 */
final class ConnectionRecorder extends SecurityManager {
    private final List<String> connections = Collections.synchronizedList(new ArrayList<>());

    /** Runs {@code action} with a recorder installed and returns the connections it attempted ("host:port"). */
    static List<String> record(ThrowingRunnable action) throws Exception {
        ConnectionRecorder recorder = new ConnectionRecorder();
        SecurityManager previous = System.getSecurityManager();
        System.setSecurityManager(recorder);
        try {
            action.run();
        }
        finally {
            System.setSecurityManager(previous);
        }
        synchronized (recorder.connections) {
            return List.copyOf(recorder.connections);
        }
    }

    @Override
    public void checkConnect(String host, int port) {
        connections.add(host + ":" + port);
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        connections.add(host + ":" + port);
    }

    @Override
    public void checkPermission(Permission permission) {
        // everything else is allowed
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
        // everything else is allowed
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
