package dev.portcullis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class if Netty's leak detector reported a leaked buffer while it ran (surefire runs with
 * {@code -Dio.netty.leakDetection.level=paranoid}). At the end it collects garbage and allocates a few buffers, since
 * the detector reports a leak only when a new buffer is tracked after the leaked one was collected.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {
    private static final String DETECTOR = ResourceLeakDetector.class.getName();
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheckExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(DETECTOR)).addAppender(appender);
        context.getStore(NS).put("appender", appender);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        ListAppender<ILoggingEvent> appender = context.getStore(NS).remove("appender", ListAppender.class);
        for (int i = 0; i < 5; i++) {
            System.gc();
            ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
            a.release();
            b.release();
        }
        ((Logger) LoggerFactory.getLogger(DETECTOR)).detachAppender(appender);
        List<String> leaks = appender.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
        assertThat(leaks).as("buffers leaked by " + context.getDisplayName()).isEmpty();
    }
}
