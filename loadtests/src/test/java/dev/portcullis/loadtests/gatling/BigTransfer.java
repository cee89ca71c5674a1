package dev.portcullis.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyLength;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Large uploads and downloads: each user downloads {@code downloadBytes} and uploads {@code uploadBytes},
 * {@code transfers} times. The download must arrive whole (status 200 and exactly that many body bytes: a response
 * cut short fails); the upload must be counted whole by the app (the sample app's {@code /upload} answers
 * {@code {"bytes":N,...}}).
 *
 * <p>Properties: {@code users} (4, all at once), {@code transfers} (5), {@code downloadBytes} (67108864 = 64 MiB),
 * {@code uploadBytes} (33554432 = 32 MiB), {@code downloadPath} (/download), {@code uploadPath} (/upload).
 * Goals: no failed transfer, p99 under 60 s.
 */
public class BigTransfer extends Simulation {
    private final int downloadBytes = LoadTarget.integer("downloadBytes", 64 << 20);
    private final byte[] upload = new byte[LoadTarget.integer("uploadBytes", 32 << 20)];

    private final ScenarioBuilder transfers = scenario("big transfer")
            .repeat(LoadTarget.integer("transfers", 5)).on(
                    exec(http("download")
                                    .get(LoadTarget.path("downloadPath", "/download") + "?bytes=" + downloadBytes)
                                    .check(status().is(200), bodyLength().is(downloadBytes)))
                            .exec(http("upload")
                                    .post(LoadTarget.path("uploadPath", "/upload"))
                                    .header("Content-Type", "application/octet-stream")
                                    .body(ByteArrayBody(upload))
                                    .check(status().is(200), jsonPath("$.bytes").ofLong().is((long) upload.length))));

    {
        setUp(transfers.injectOpen(atOnceUsers(LoadTarget.integer("users", 4))))
                .protocols(LoadTarget.protocol())
                .assertions(LoadTarget.goals(0.0, 60_000));
    }
}
