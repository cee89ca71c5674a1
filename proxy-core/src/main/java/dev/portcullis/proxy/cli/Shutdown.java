package dev.portcullis.proxy.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes what a command started, in reverse order, on Ctrl-C or SIGTERM; the command's thread waits for it. */
final class Shutdown {
    private static final Logger logger = LoggerFactory.getLogger(Shutdown.class);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch done = new CountDownLatch(1);

    Shutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "portcullis-shutdown"));
    }

    synchronized <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    void awaitSignal() throws InterruptedException {
        done.await();
    }

    synchronized void closeAll() {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                logger.warn("closing {} failed: {}", r, e.toString());
            }
        }
        done.countDown();
    }
}
