// Load generator of the Teams load benchmark (loopback, keep-alive HTTP/1.1). Sends validly signed
// Teams message activities (one channel token from the emulator's driver, a fresh activity id per
// request) to each bot, and prints, per bot: requests/s at full load, p50 and p99 latency, p99 at a
// fixed 1,000 requests/s, peak RSS; then the ratios. With an invoke spec it first presses a card
// button on Kvalitetsvakt repeatedly and prints the invoke round trip, answered with the updated
// card after the commit.
// The messages come from `people` staff members (bruker<i>@kommune.example, Teams user 29:load-<i>),
// each in their own 1:1 chat, round robin, so no single conversation meets Teams' per-conversation
// rate limits (reference 5.1), which the bot honours for its replies.
// Usage: node load.js <emulator.json> <seconds> <people> <name>=<url>@<pid> ... [invoke=<url>@<case id>]
"use strict";

const fs = require("fs");
const http = require("http");

const [emulatorFile, secondsArg, peopleArg, ...rest] = process.argv.slice(2);
const emulator = JSON.parse(fs.readFileSync(emulatorFile, "utf8"));
const seconds = Number(secondsArg);
const people = Number(peopleArg);
const targets = [];
let invokeSpec = null;
for (const arg of rest) {
    if (arg.startsWith("invoke=")) {
        const [url, caseId] = arg.slice(7).split("@");
        invokeSpec = { url: new URL(url), caseId };
        continue;
    }
    const m = /^([^=]+)=(.+)@(\d+)$/.exec(arg);
    if (!m) throw new Error(`bad target ${arg}`);
    targets.push({ name: m[1], url: new URL(m[2]), pid: Number(m[3]) });
}

const concurrency = 32;
const fixedRate = 1000;

function control(path, body) {
    return new Promise((resolve, reject) => {
        const req = http.request(`${emulator.control_base}${path}`, {
            method: "POST", headers: { "Content-Type": "application/json" },
        }, (res) => {
            let text = "";
            res.on("data", (d) => { text += d; });
            res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text))
                                                          : reject(new Error(text))));
        });
        req.on("error", reject);
        req.end(JSON.stringify(body || {}));
    });
}

function controlGet(path) {
    return new Promise((resolve, reject) => {
        http.get(`${emulator.control_base}${path}`, (res) => {
            let text = "";
            res.on("data", (d) => { text += d; });
            res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text))
                                                          : reject(new Error(text))));
        }).on("error", reject);
    });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits until the bot has answered into every one of these conversations (a POST of an activity
// the emulator recorded after `since`), at most `limitMs`; returns how many were not answered.
// A 200 only says the activity was accepted: the load starts once the bot has met everyone.
async function awaitAnswers(conversationIds, since, limitMs) {
    const waiting = new Set(conversationIds);
    let seq = since;
    const start = Date.now();
    while (waiting.size > 0 && Date.now() - start < limitMs) {
        for (const r of await controlGet(`/control/connector/requests?since=${seq}`)) {
            seq = Math.max(seq, r.seq);
            const m = /\/v3\/conversations\/([^/?]+)\/activities/.exec(r.path);
            if (r.method === "POST" && m) waiting.delete(decodeURIComponent(m[1]));
        }
        if (waiting.size > 0) await sleep(200);
    }
    return waiting.size;
}

function peakRss(pid) {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)[1]);
    return kb / 1024;
}

function percentile(sorted, p) {
    if (sorted.length === 0) return NaN;
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// One POST; resolves with [status, body, milliseconds since `from` (a hrtime bigint)]. A request
// not answered within `limitMs` (waiting for a connection included) fails with status 0.
function post(agent, url, authorization, body, from, limitMs = 10000) {
    return new Promise((resolve) => {
        const req = http.request(url, {
            method: "POST", agent,
            headers: { "Content-Type": "application/json", "Authorization": authorization,
                       "Content-Length": Buffer.byteLength(body) },
        }, (res) => {
            const chunks = [];
            res.on("data", (d) => chunks.push(d));
            res.on("end", () => resolve([res.statusCode, Buffer.concat(chunks).toString(),
                Number(process.hrtime.bigint() - from) / 1e6]));
        });
        const timer = setTimeout(() => req.destroy(new Error(`no answer in ${limitMs} ms`)),
                                 Math.max(1, limitMs));
        req.on("close", () => clearTimeout(timer));
        req.on("error", (e) => resolve([0, e.message, Number(process.hrtime.bigint() - from) / 1e6]));
        req.end(body);
    });
}

let nextId = Date.now() * 1000;
let nextPerson = 0;
// The next message, from the next person in turn, with a fresh activity id.
function activityBody(templates) {
    const template = templates[nextPerson++ % templates.length];
    const a = { ...template, id: String(++nextId), timestamp: new Date().toISOString() };
    return JSON.stringify(a);
}

function person(i) {
    return { id: `29:load-${i}`, name: `Bruker ${i}`, aadObjectId: `aad-load-${i}` };
}

// Runs `task(i)` for i in [0, n) with at most `width` at a time.
async function inParallel(n, width, task) {
    let next = 0;
    const results = new Array(n);
    await Promise.all(Array.from({ length: width }, async () => {
        while (next < n) {
            const i = next++;
            results[i] = await task(i);
        }
    }));
    return results;
}

// Percentiles count a failed or unanswered request as infinitely slow, so failures cannot make
// the figures look better.
function summary(latencies, errors, elapsedMs) {
    const all = latencies.concat(new Array(errors).fill(Infinity)).sort((x, y) => x - y);
    return { rps: (latencies.length / elapsedMs) * 1000, p50: percentile(all, 50),
             p99: percentile(all, 99), count: latencies.length, errors };
}

// As many requests as `concurrency` connections carry, for `ms`.
async function fullLoad(target, auth, templates, ms) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const latencies = [];
    let errors = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(ms) * 1000000n;
    const worker = async () => {
        while (process.hrtime.bigint() < end) {
            const [status, text, ms1] = await post(agent, target.url, auth, activityBody(templates),
                                                   process.hrtime.bigint());
            if (status === 200) latencies.push(ms1);
            else if (++errors === 1) console.error(`${target.name}: answered ${status}: ${text}`);
        }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    agent.destroy();
    return summary(latencies, errors, Number(process.hrtime.bigint() - start) / 1e6);
}

// `rate` requests per second on schedule for `ms`; latency counts from the scheduled instant, so
// a stalled server is not hidden by the generator waiting for it.
async function fixedLoad(target, auth, templates, rate, ms) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const latencies = [];
    let errors = 0;
    const start = process.hrtime.bigint();
    const total = Math.floor((rate * ms) / 1000);
    const end = start + BigInt(ms + 10000) * 1000000n;
    const pending = [];
    let sent = 0;
    await new Promise((resolve) => {
        const tick = () => {
            const now = process.hrtime.bigint();
            const due = Math.min(total, Math.floor((Number(now - start) / 1e9) * rate) + 1);
            for (; sent < due; ++sent) {
                const scheduled = start + BigInt(Math.round((sent * 1e9) / rate));
                // Whatever is not answered 10 s after the phase ends has failed.
                const limit = Number(end - process.hrtime.bigint()) / 1e6;
                pending.push(post(agent, target.url, auth, activityBody(templates), scheduled, limit)
                    .then(([status, text, latency]) => {
                        if (status === 200) latencies.push(latency);
                        else if (++errors === 1) console.error(`${target.name}: answered ${status}: ${text}`);
                    }));
            }
            if (sent >= total) {
                resolve();
                return;
            }
            // Sleep until the next request is due rather than spin: a busy loop would take a
            // whole core of this 2-core machine from the bot being measured. Lateness of the
            // timer still counts, as latency is measured from the scheduled instant.
            const next = start + BigInt(Math.round((sent * 1e9) / rate));
            const waitMs = Number(next - process.hrtime.bigint()) / 1e6;
            if (waitMs > 1) setTimeout(tick, Math.floor(waitMs));
            else setImmediate(tick);
        };
        tick();
    });
    await Promise.all(pending);
    agent.destroy();
    return summary(latencies, errors, ms);
}

async function invokes(spec, auth, count) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const latencies = [];
    let errors = 0;
    for (let i = 0; i < count; ++i) {
        const body = JSON.stringify({ ...spec.activity, id: `f:${++nextId}`,
                                      timestamp: new Date().toISOString() });
        const [status, text, ms] = await post(agent, spec.url, auth, body, process.hrtime.bigint());
        if (status === 200 && text.includes("application/vnd.microsoft.card.adaptive")) {
            latencies.push(ms);
        } else {
            ++errors;
            if (errors === 1) console.log(`  invoke answered ${status}: ${text.slice(0, 200)}`);
        }
    }
    agent.destroy();
    return summary(latencies, errors, 1);
}

const f1 = (x) => x.toFixed(1);
const msText = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : "unanswered");
const ratio = (x) => (Number.isFinite(x) && x > 0 ? `${x.toFixed(2)}x` : "n/a");

(async () => {
    const auth = (await control("/control/driver/token", {})).authorization;
    // Button presses first, on a quiet daemon: the message load leaves a backlog of replies.
    if (invokeSpec) {
        // "Legg til informasjon" on the case card, pressed by its reporter: every press is a
        // change to the case, committed before the card is answered.
        const built = await control("/control/driver/send", {
            bot_url: invokeSpec.url.toString(), template: "invoke_action",
            params: { verb: "case.add_info", user: { id: "29:user-1", name: "Kari Nordmann",
                                                     aadObjectId: "aad-user-1" },
                      data: { "case": invokeSpec.caseId, "kv.slot": "0",
                              "i0.info": "Beboeren hadde nye sko" } } });
        invokeSpec.activity = built.activity;
        await invokes(invokeSpec, auth, 50);  // warm-up
        const r = await invokes(invokeSpec, auth, invokeSpec.count || 1000);
        console.log(`invoke (${invokeSpec.activity.value.action.verb}, answered with the ` +
                    `updated card after the commit): ${r.count} ok, ${r.errors} failed, ` +
                    `p50 ${msText(r.p50)}, p99 ${msText(r.p99)}`);
    }
    await inParallel(people, 8, (i) => control("/control/connector/users", {
        ...person(i), email: `bruker${i}@kommune.example`,
        userPrincipalName: `bruker${i}@kommune.example`, installed: true, blocked: false }));
    const results = {};
    for (const t of targets) {
        // The driver builds each person's activity and sends it once: the bot meets everyone
        // (and links their Teams identity) before the clock runs.
        const before = (await controlGet("/control/connector/seq")).seq;
        const meeting = Date.now();
        const sent = await inParallel(people, 8, (i) => control("/control/driver/send", {
            bot_url: t.url.toString(), template: "message",
            params: { text: "hjelp", user: person(i) } }));
        const templates = sent.map((x) => x.activity);
        const refused = sent.filter((x) => x.attempts[x.attempts.length - 1].status !== 200).length;
        const unanswered = await awaitAnswers(templates.map((a) => a.conversation.id), before, 120000);
        console.error(`${t.name}: met ${people} people in ${f1((Date.now() - meeting) / 1000)} s ` +
                      `(${refused} first messages not answered 200, ${unanswered} not answered ` +
                      `in their chat); loading`);
        await fullLoad(t, auth, templates, 1000);  // warm-up
        const full = await fullLoad(t, auth, templates, seconds * 1000);
        const fixed = await fixedLoad(t, auth, templates, fixedRate, seconds * 1000);
        const rss = peakRss(t.pid);
        results[t.name] = { full, fixed, rss };
        console.log(`${t.name}: ${f1(full.rps)} requests/s (${concurrency} connections, ` +
                    `${full.count} ok, ${full.errors} failed), p50 ${msText(full.p50)}, ` +
                    `p99 ${msText(full.p99)}; at ${fixedRate}/s: p50 ${msText(fixed.p50)}, ` +
                    `p99 ${msText(fixed.p99)} (${fixed.errors} failed); peak RSS ${f1(rss)} MB`);
    }
    const [a, b] = targets.map((t) => results[t.name]);
    if (a && b) {
        console.log(`ratios ${targets[0].name}/${targets[1].name}: throughput ` +
                    `${ratio(a.full.rps / b.full.rps)}, p99 at full load ` +
                    `${ratio(a.full.p99 / b.full.p99)}, p99 at ${fixedRate}/s ` +
                    `${ratio(a.fixed.p99 / b.fixed.p99)}, peak RSS ${ratio(a.rss / b.rss)}`);
    }
})().catch((e) => {
    console.error(`load: ${e.stack || e}`);
    process.exit(1);
});
