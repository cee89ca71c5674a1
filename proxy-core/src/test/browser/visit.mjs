// Visits URLs in order in one browser context (cookies carry over, as in one person's browser) and reports what each
// visit showed: {"status", "url", "title", "text"} in the step's detail, for the Java test to assert on.
// Options: {"outDir", "hostResolverRules"?, "visits": [{"name", "url", "copyCookie"?: {"from", "to", "url"}}]}.
// copyCookie first copies the value of the jar's cookie named "from" into a cookie named "to" for "url": what someone
// who lifted another session's cookie out of their browser could send.
import { run, scenarioArgs } from './steps.mjs';

const options = scenarioArgs();

await run(options, async (s) => {
    const context = await s.newContext();
    s.page = await context.newPage();
    for (const visit of options.visits) {
        await s.step(visit.name, async () => {
            if (visit.copyCookie) {
                const { from, to, url } = visit.copyCookie;
                const source = (await context.cookies()).find((c) => c.name === from);
                if (!source) {
                    throw new Error(`no cookie named ${from} in the browser to copy`);
                }
                await context.addCookies([{ name: to, value: source.value, url }]);
            }
            const response = await s.page.goto(visit.url);
            const text = (await s.page.locator('body').innerText()).slice(0, 2000);
            return JSON.stringify({
                status: response ? response.status() : null,
                url: s.page.url(),
                title: await s.page.title(),
                text,
            });
        });
    }
    await context.close();
});
