package dev.portcullis.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A terminal user: keystrokes at human rates (80-250 ms apart), each waiting for its echo, and now and then a
 * command that makes a burst of output. The message shapes are properties, so the same simulation drives the
 * sample app's echo (the defaults) and a terminado backend ({@code ["stdin", ...]} in, {@code ["stdout", ...]} out).
 *
 * <p>Properties: {@code users} (20), {@code rampSeconds} (10), {@code terminalPath} (/ws), {@code term.setup}
 * (sent once after connecting; empty: nothing), {@code term.keystroke} (["stdin","#{key}"]; {@code #{key}} is a
 * random letter), {@code term.keyExpect} (regex the echo must match: #{key}), {@code keystrokes} (40 per burst
 * round), {@code bursts} (3), {@code term.burst} (a 16 KiB stdin message ending in BURST-END), {@code
 * term.burstExpect} (BURST-END). For terminado, e.g. {@code -Dportcullis.term.setup='["set_size",24,80,600,800]'
 * -Dportcullis.term.burst='["stdin","seq 1 20000; echo BURST-$((6*7))\r"]' -Dportcullis.term.burstExpect=BURST-42}.
 * Goals: errors at most 1 %, p99 under 500 ms.
 */
public class TerminalUser extends Simulation {
    private static final String DEFAULT_BURST = "[\"stdin\",\"" + "x".repeat(16 * 1024) + " BURST-END\"]";

    private static ChainBuilder typing() {
        String keystroke = LoadTarget.string("term.keystroke", "[\"stdin\",\"#{key}\"]");
        String expect = LoadTarget.string("term.keyExpect", "#{key}");
        return exec(session -> session.set("key", String.valueOf((char) ('a' + ThreadLocalRandom.current().nextInt(26)))))
                .exec(ws("keystroke").wsName("terminal").sendText(keystroke)
                        .await(Duration.ofSeconds(5))
                        .on(ws.checkTextMessage("key echo").matching(regex(expect)).check(regex(expect))))
                .pause(Duration.ofMillis(80), Duration.ofMillis(250));
    }

    private static ChainBuilder burst() {
        String expect = LoadTarget.string("term.burstExpect", "BURST-END");
        return exec(ws("burst").wsName("terminal").sendText(LoadTarget.string("term.burst", DEFAULT_BURST))
                .await(Duration.ofSeconds(30))
                .on(ws.checkTextMessage("burst output").matching(regex(expect)).check(regex(expect))));
    }

    private static ChainBuilder setup() {
        String setup = LoadTarget.string("term.setup", "");
        return setup.isBlank()
                ? exec(session -> session)
                : exec(ws("setup").wsName("terminal").sendText(setup));
    }

    private final ScenarioBuilder user = scenario("terminal user")
            .exec(ws("terminal connect").wsName("terminal").connect(LoadTarget.path("terminalPath", "/ws")))
            .exec(setup())
            .repeat(LoadTarget.integer("bursts", 3)).on(
                    exec(session -> session)
                            .repeat(LoadTarget.integer("keystrokes", 40)).on(typing())
                            .exec(burst()))
            .exec(ws("terminal close").wsName("terminal").close());

    {
        setUp(user.injectOpen(rampUsers(LoadTarget.integer("users", 20))
                        .during(Duration.ofSeconds(LoadTarget.integer("rampSeconds", 10)))))
                .protocols(LoadTarget.protocol())
                .assertions(LoadTarget.goals(1.0, 500));
    }
}
