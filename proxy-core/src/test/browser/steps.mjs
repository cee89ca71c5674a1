// Step runner shared by the browser scenarios: launches Debian's Chromium through playwright-core (never a downloaded
// browser), runs named steps each under its own timeout, screenshots every step, and reports one JSON line per step on
// stdout for the Java test to assert on:
//   {"step":"create notebook","ok":true,"ms":2310,"screenshot":"…/02-create-notebook.png"}
//   {"step":"run print(6*7)","ok":false,"error":"…","screenshot":"…/03-run-print-6-7-FAILED.png"}
// Exit status 0 when every step passed, 1 when one failed (the run stops at the first failure), 2 on a usage error.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Generous for a loaded 2-core CI machine (a kernel start has taken 13 s there); a healthy step takes 0.3-3 s.
export const STEP_TIMEOUT_MS = 45_000;

/** The flags the project's CI machine needs: no GPU, no sandbox as root, no background traffic to the closed network. */
export function chromiumArgs(hostResolverRules) {
    const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'];
    if (hostResolverRules) {
        args.push(`--host-resolver-rules=${hostResolverRules}`);
    }
    return args;
}

/** Parses the single JSON argument every scenario takes. */
export function scenarioArgs() {
    if (process.argv.length !== 3) {
        process.stderr.write(`usage: node ${process.argv[1]} '<json options>'\n`);
        process.exit(2);
    }
    return JSON.parse(process.argv[2]);
}

function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function report(line) {
    process.stdout.write(JSON.stringify(line) + '\n');
}

/**
 * Runs {@code scenario(session)} with a fresh browser (Playwright gives every launch a new temporary profile).
 * {@code session.step(name, fn)} runs one step with a deadline and screenshots {@code session.page} after it.
 */
export async function run(options, scenario) {
    const outDir = options.outDir;
    mkdirSync(outDir, { recursive: true });
    const browser = await chromium.launch({
        executablePath: options.chromium || '/usr/bin/chromium',
        headless: true,
        args: chromiumArgs(options.hostResolverRules),
        timeout: STEP_TIMEOUT_MS,
    });
    const consoleLog = [];
    let count = 0;
    const session = {
        browser,
        page: null,
        async newContext() {
            const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
            context.setDefaultTimeout(STEP_TIMEOUT_MS);
            context.on('page', (p) => {
                p.on('console', (m) => consoleLog.push(`[${m.type()}] ${p.url()}: ${m.text()}`));
                p.on('pageerror', (e) => consoleLog.push(`[pageerror] ${p.url()}: ${e.message}`));
            });
            return context;
        },
        async step(name, fn) {
            count += 1;
            const file = join(outDir, `${String(count).padStart(2, '0')}-${slug(name)}`);
            let timer;
            const started = Date.now();
            const deadline = new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`step timed out after ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
            });
            try {
                const detail = await Promise.race([fn(), deadline]);
                const screenshot = await shoot(session.page, `${file}.png`);
                report({ step: name, ok: true, ms: Date.now() - started, detail: detail === undefined ? null : String(detail),
                    screenshot });
            } catch (e) {
                const screenshot = await shoot(session.page, `${file}-FAILED.png`);
                report({ step: name, ok: false, ms: Date.now() - started, error: String(e && e.message ? e.message : e).split('\n')[0],
                    url: session.page ? session.page.url() : null, screenshot });
                throw e;
            } finally {
                clearTimeout(timer);
            }
        },
    };
    let status = 0;
    try {
        await scenario(session);
    } catch (e) {
        process.stderr.write(`scenario failed: ${e && e.stack ? e.stack : e}\n`);
        status = 1;
    } finally {
        writeFileSync(join(outDir, 'console.log'), consoleLog.join('\n') + '\n');
        await browser.close().catch(() => {});
    }
    process.exit(status);
}

async function shoot(page, file) {
    if (!page || page.isClosed()) {
        return null;
    }
    try {
        await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
        return file;
    } catch (e) {
        return null;
    }
}
