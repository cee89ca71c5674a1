package dev.portcullis.proxy.forward;

import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;

/**
 * Tells the exchange in flight on a client connection that the connection closed. One close listener per connection
 * (not per exchange, which would pile up on a long keep-alive connection); HTTP/1.1 has at most one exchange in flight
 * per connection, so one slot suffices.
 *
 * <p>Confined to the connection's I/O thread.
 */
final class ConnectionWatch {
    private static final AttachmentKey<ConnectionWatch> KEY = AttachmentKey.create(ConnectionWatch.class);

    private Runnable onClose;

    private ConnectionWatch() {}

    /** Runs {@code onClose} if the connection closes before {@link #clear} (on the connection's I/O thread). */
    static ConnectionWatch watch(ServerConnection connection, Runnable onClose) {
        ConnectionWatch watch = connection.getAttachment(KEY);
        if (watch == null) {
            ConnectionWatch created = new ConnectionWatch();
            connection.putAttachment(KEY, created);
            connection.addCloseListener(c -> {
                Runnable r = created.onClose;
                created.onClose = null;
                if (r != null) {
                    r.run();
                }
            });
            watch = created;
        }
        watch.onClose = onClose;
        return watch;
    }

    /** The exchange ended: forget it. */
    void clear(Runnable onClose) {
        if (this.onClose == onClose) {
            this.onClose = null;
        }
    }
}
