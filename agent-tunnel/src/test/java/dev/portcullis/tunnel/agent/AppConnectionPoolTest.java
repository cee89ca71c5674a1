package dev.portcullis.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AppConnectionPoolTest {
    private final EmbeddedChannel loop = new EmbeddedChannel();

    private AppConnectionPool pool(int maxIdle, Duration idleTimeout) {
        return new AppConnectionPool(loop.eventLoop(), maxIdle, idleTimeout);
    }

    @Test
    void releasedConnectionComesBackForItsPortOnly() {
        AppConnectionPool pool = pool(4, Duration.ofSeconds(30));
        EmbeddedChannel a = new EmbeddedChannel();
        pool.release(a, 8888);

        assertThat(pool.poll(9999)).isNull();
        assertThat(pool.poll(8888)).isSameAs(a);
        assertThat(pool.poll(8888)).isNull();
        assertThat(a.isOpen()).isTrue();
    }

    @Test
    void mostRecentlyUsedFirstAndNoMoreThanMaxIdle() {
        AppConnectionPool pool = pool(2, Duration.ofSeconds(30));
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        EmbeddedChannel c = new EmbeddedChannel();
        pool.release(a, 1);
        pool.release(b, 1);
        pool.release(c, 1);

        assertThat(c.isOpen()).as("over the bound: closed, not kept").isFalse();
        assertThat(pool.idleCount()).isEqualTo(2);
        assertThat(pool.poll(1)).isSameAs(b);
        assertThat(pool.poll(1)).isSameAs(a);
    }

    @Test
    void closedAndExpiredConnectionsAreNeverHandedOut() {
        AppConnectionPool pool = pool(4, Duration.ofSeconds(30));
        EmbeddedChannel closedByApp = new EmbeddedChannel();
        pool.release(closedByApp, 1);
        closedByApp.close();
        assertThat(pool.poll(1)).isNull();

        AppConnectionPool shortLived = pool(4, Duration.ofNanos(1));
        EmbeddedChannel old = new EmbeddedChannel();
        shortLived.release(old, 1);
        long t = System.nanoTime();
        while (System.nanoTime() == t) {
            Thread.onSpinWait(); // one nanosecond of idleness is past the timeout
        }
        assertThat(shortLived.poll(1)).isNull();
        assertThat(old.isOpen()).isFalse();
    }

    @Test
    void zeroMaxIdleOrAClosedPoolClosesWhatIsReleased() {
        EmbeddedChannel a = new EmbeddedChannel();
        pool(0, Duration.ofSeconds(30)).release(a, 1);
        assertThat(a.isOpen()).isFalse();

        AppConnectionPool pool = pool(4, Duration.ofSeconds(30));
        EmbeddedChannel idle = new EmbeddedChannel();
        pool.release(idle, 1);
        pool.closeAll();
        assertThat(idle.isOpen()).isFalse();
        EmbeddedChannel late = new EmbeddedChannel();
        pool.release(late, 1);
        assertThat(late.isOpen()).isFalse();
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void onlyResponsesWithAMarkedEndKeepTheConnection() {
        assertThat(AppConnectionPool.reusable(response(HttpVersion.HTTP_1_1, 200, "content-length", "5"), "GET")).isTrue();
        assertThat(AppConnectionPool.reusable(response(HttpVersion.HTTP_1_1, 200, "transfer-encoding", "chunked"), "GET")).isTrue();
        assertThat(AppConnectionPool.reusable(response(HttpVersion.HTTP_1_1, 204, null, null), "DELETE")).isTrue();
        assertThat(AppConnectionPool.reusable(response(HttpVersion.HTTP_1_1, 304, null, null), "GET")).isTrue();
        assertThat(AppConnectionPool.reusable(response(HttpVersion.HTTP_1_1, 200, null, null), "HEAD")).isTrue();

        assertThat(AppConnectionPool.reusable(response(HttpVersion.HTTP_1_1, 200, null, null), "GET"))
                .as("body read until close").isFalse();
        HttpResponse close = response(HttpVersion.HTTP_1_1, 200, "content-length", "5");
        close.headers().set(HttpHeaderNames.CONNECTION, "close");
        assertThat(AppConnectionPool.reusable(close, "GET")).isFalse();
        HttpResponse http10 = response(HttpVersion.HTTP_1_0, 200, "content-length", "5");
        http10.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
        assertThat(AppConnectionPool.reusable(http10, "GET")).isFalse();
    }

    private static HttpResponse response(HttpVersion version, int status, String header, String value) {
        HttpResponse res = new DefaultHttpResponse(version, HttpResponseStatus.valueOf(status));
        if (header != null) {
            res.headers().set(header, value);
        }
        return res;
    }
}
