package dev.portcullis.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.UUID;

/**
 * A notebook user: loads the page, polls an API, and runs "cells" over a kernel-style WebSocket (JSON messages in
 * the shape of Jupyter's messaging protocol; the reply must carry the request's msg_id, which both the sample app's
 * echo and a real kernel's {@code parent_header} do).
 *
 * <p>Properties (besides {@link LoadTarget}'s): {@code users} (20), {@code rampSeconds} (10), {@code cells} (20 per
 * user), {@code pagePath} (/), {@code apiPath} (/download?bytes=2048; Jupyter: /api/kernels), {@code kernelPath}
 * (/ws; Jupyter: /api/kernels/ID/channels), {@code code} (1+1). Goals: errors at most 1 %, p99 under 1000 ms.
 */
public class NotebookUser extends Simulation {
    private static final String KERNEL_MESSAGE = """
            {"header":{"msg_id":"#{msgId}","msg_type":"execute_request","username":"gatling","session":"#{kernelSession}",\
            "version":"5.3"},"parent_header":{},"metadata":{},"channel":"shell",\
            "content":{"code":"%s","silent":false,"store_history":true,"user_expressions":{},"allow_stdin":false}}""";

    private final ScenarioBuilder user = scenario("notebook user")
            .exec(session -> session.set("kernelSession", UUID.randomUUID().toString()))
            .exec(http("page").get(LoadTarget.path("pagePath", "/")).check(status().is(200)))
            .exec(ws("kernel connect").wsName("kernel").connect(LoadTarget.path("kernelPath", "/ws")))
            .repeat(LoadTarget.integer("cells", 20)).on(
                    exec(session -> session.set("msgId", UUID.randomUUID().toString()))
                            .exec(http("api poll").get(LoadTarget.path("apiPath", "/download?bytes=2048"))
                                    .check(status().is(200)))
                            .exec(ws("execute_request").wsName("kernel")
                                    .sendText(KERNEL_MESSAGE.formatted(LoadTarget.string("code", "1+1")))
                                    .await(Duration.ofSeconds(10))
                                    .on(ws.checkTextMessage("execute_reply")
                                            .matching(substring("#{msgId}"))
                                            .check(substring("#{msgId}"))))
                            .pause(Duration.ofMillis(200), Duration.ofMillis(1500)))
            .exec(ws("kernel close").wsName("kernel").close());

    {
        setUp(user.injectOpen(rampUsers(LoadTarget.integer("users", 20))
                        .during(Duration.ofSeconds(LoadTarget.integer("rampSeconds", 10)))))
                .protocols(LoadTarget.protocol())
                .assertions(LoadTarget.goals(1.0, 1000));
    }
}
