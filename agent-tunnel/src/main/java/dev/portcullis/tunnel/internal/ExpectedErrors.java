package dev.portcullis.tunnel.internal;

import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/** Logs expected I/O failures (peer went away, TLS garbage) at DEBUG and the rest at WARN. */
public final class ExpectedErrors {
    private ExpectedErrors() {}

    public static boolean isExpected(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return t instanceof ClosedChannelException || c instanceof ClosedChannelException
                || t instanceof IOException || c instanceof IOException
                || t instanceof SSLException || c instanceof SSLException || c instanceof NotSslRecordException
                || t instanceof Http2Exception;
    }

    public static void log(Logger logger, String message, Throwable t) {
        if (isExpected(t)) {
            logger.debug("{}: {}", message, t.toString());
        } else {
            logger.warn("{}", message, t);
        }
    }
}
