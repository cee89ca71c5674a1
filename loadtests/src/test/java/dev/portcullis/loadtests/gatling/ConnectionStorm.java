package dev.portcullis.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A connection storm: N WebSockets opened as fast as the proxy lets them (all at once, or ramped), held open, then
 * probed once (a message that must come back, proving the socket survived the hold) and closed.
 *
 * <p>Properties: {@code connections} (1000), {@code rampSeconds} (0: all at once), {@code holdSeconds} (30),
 * {@code stormPath} (/ws), {@code storm.probe} (a text message the app answers with something containing it; empty:
 * no probe). Goals: errors at most 0.5 %, p99 under 5000 ms (the connect time dominates). Raise {@code ulimit -n} on
 * the machine running Gatling above N.
 */
public class ConnectionStorm extends Simulation {
    private static ChainBuilder probe() {
        String probe = LoadTarget.string("storm.probe", "still-open");
        return probe.isBlank()
                ? exec(session -> session)
                : exec(ws("probe").wsName("storm").sendText(probe)
                        .await(Duration.ofSeconds(10))
                        .on(ws.checkTextMessage("probe reply").check(substring(probe))));
    }

    private final ScenarioBuilder storm = scenario("connection storm")
            .exec(ws("open").wsName("storm").connect(LoadTarget.path("stormPath", "/ws")))
            .pause(Duration.ofSeconds(LoadTarget.integer("holdSeconds", 30)))
            .exec(probe())
            .exec(ws("close").wsName("storm").close());

    {
        int n = LoadTarget.integer("connections", 1000);
        int ramp = LoadTarget.integer("rampSeconds", 0);
        OpenInjectionStep injection = ramp == 0 ? atOnceUsers(n) : rampUsers(n).during(Duration.ofSeconds(ramp));
        setUp(storm.injectOpen(injection))
                .protocols(LoadTarget.protocol())
                .assertions(LoadTarget.goals(0.5, 5000));
    }
}
