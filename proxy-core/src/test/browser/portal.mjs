// Portcullis's own pages around an app: sign in with a login link, see the dashboard list the app as ready, open it
// with the dashboard's Open button (path mode: straight to the app; subdomain mode: through the app host's one-time
// ticket), then the admin page on the admin listener with an admin token: sessions and agent tunnels listed.
// Options: {"loginUrl", "appUrl" (ending in '/'), "appReady" (a selector the app's first page shows), "appId"
// ("<session>-<app>", the dashboard's element ids), "adminUrl", "adminToken", "outDir", "hostResolverRules"?}.
import { run, scenarioArgs } from './steps.mjs';

const options = scenarioArgs();

await run(options, async (s) => {
    const context = await s.newContext();
    const page = await context.newPage();
    s.page = page;

    await s.step('sign in with the login link', async () => {
        await page.goto(options.loginUrl);
        await page.waitForURL((url) => url.pathname === '/.portcullis/' && !url.search.includes('token'));
        const app = page.locator(`#app-${options.appId}`);
        await app.waitFor();
        return JSON.stringify({
            user: await page.locator('#signed-in-user').innerText(),
            state: await app.getAttribute('data-state'),
            badge: await page.locator(`#state-${options.appId}`).innerText(),
        });
    });

    await s.step('open the app from the dashboard', async () => {
        await page.click(`#open-${options.appId}`);
        await page.waitForURL((url) => url.href.startsWith(options.appUrl));
        await page.locator(options.appReady).waitFor();
        if (page.url().includes('ticket=') || page.url().includes('token=')) {
            throw new Error(`a credential is still in the URL: ${page.url()}`);
        }
        return page.url();
    });

    await s.step('admin page lists sessions and tunnels', async () => {
        s.page = await context.newPage();
        await s.page.goto(options.adminUrl);
        await s.page.fill('#admin-token', options.adminToken);
        await s.page.click('#admin-token-save');
        await s.page.locator('#sessions-body tr').first().waitFor();
        await s.page.locator('#tunnels-body tr').first().waitFor();
        return JSON.stringify({
            sessions: await s.page.locator('#sessions-body').innerText(),
            tunnels: await s.page.locator('#tunnels-body').innerText(),
            connections: await s.page.locator('#connections-body').innerText(),
        });
    });

    await context.close();
});
