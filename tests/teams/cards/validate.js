// Parses every card in a folder with Microsoft's Adaptive Cards library (npm adaptivecards,
// pinned in package-lock.json) targeting schema 1.5, as Teams does, and fails on any parse or
// validation event: a warning in this parser is a card some Teams client shows wrongly.
// Usage: node validate.js <folder of *.json cards>
"use strict";

const fs = require("fs");
const path = require("path");
// The package's lib/ is ES modules with extensionless imports Node cannot load; dist/ is the
// same library as one UMD bundle (the one the renderer page loads too).
const AC = require("adaptivecards/dist/adaptivecards.js");

const folder = process.argv[2];
if (!folder) {
    console.error("usage: node validate.js <folder of *.json cards>");
    process.exit(2);
}

function eventText(e) {
    const where = e.source && e.source.getJsonTypeName ? e.source.getJsonTypeName() : "card";
    const event = AC.ValidationEvent[e.event] || e.event;
    return `${AC.ValidationPhase[e.phase] || e.phase} ${event} at ${where}: ${e.message}`;
}

// Counts the typed objects (elements, actions, inputs) under `o`, fallbacks aside, and collects
// the fallbacks: the parser keeps them outside the card, so each is validated on its own.
function countTyped(o, fallbacks) {
    if (Array.isArray(o)) {
        return o.reduce((n, x) => n + countTyped(x, fallbacks), 0);
    }
    if (!o || typeof o !== "object") {
        return 0;
    }
    let n = typeof o.type === "string" && o.type !== "AdaptiveCard" ? 1 : 0;
    for (const [key, value] of Object.entries(o)) {
        if (key === "fallback" && value && typeof value === "object") {
            fallbacks.push(value);
        } else if (key !== "data") {
            n += countTyped(value, fallbacks);
        }
    }
    return n;
}

// The parse and validation events of one card object, as text.
function eventsOf(json) {
    const context = new AC.SerializationContext(AC.Versions.v1_5);
    const card = new AC.AdaptiveCard();
    card.parse(json, context);
    const events = [];
    for (let i = 0; i < context.eventCount; ++i) {
        events.push(eventText(context.getEventAt(i)));
    }
    for (const e of card.validateProperties().validationEvents) {
        events.push(eventText(e));
    }
    return { card, events };
}

// Returns the problems found in one card's JSON text; empty when it is clean.
function problemsOf(text) {
    let json;
    try {
        json = JSON.parse(text);
    } catch (err) {
        return [`not JSON: ${err.message}`];
    }
    const problems = [];
    if (json.type !== "AdaptiveCard") {
        problems.push(`type is ${JSON.stringify(json.type)}, not "AdaptiveCard"`);
    }
    if (json.version !== "1.5") {
        problems.push(`version is ${JSON.stringify(json.version)}, not "1.5"`);
    }
    const { card, events } = eventsOf(json);
    problems.push(...events);

    // The parser drops what it does not understand; a card that loses elements or actions on the
    // way in is not the card we sent.
    const fallbacks = [];
    const sent = countTyped([json.body, json.actions, json.refresh], fallbacks);
    const back = card.toJSON(new AC.SerializationContext(AC.Versions.v1_5));
    const parsed = countTyped([back.body, back.actions, back.refresh], []);
    if (parsed !== sent) {
        problems.push(`${sent} elements and actions sent, ${parsed} survived parsing`);
    }
    for (const f of fallbacks) {
        const alone = {
            type: "AdaptiveCard",
            version: "1.5",
            body: [{ type: "ActionSet", actions: [f] }],
        };
        for (const e of eventsOf(alone).events) {
            problems.push(`fallback ${JSON.stringify(f.title)}: ${e}`);
        }
    }
    return problems;
}

const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort();
if (files.length === 0) {
    console.error(`no cards in ${folder}`);
    process.exit(1);
}
let failed = 0;
for (const f of files) {
    const problems = problemsOf(fs.readFileSync(path.join(folder, f), "utf8"));
    if (problems.length === 0) {
        console.log(`ok   ${f}`);
        continue;
    }
    ++failed;
    console.log(`FAIL ${f}`);
    for (const p of problems) {
        console.log(`     ${p}`);
    }
}
console.log(`${files.length - failed} of ${files.length} cards valid for Adaptive Cards 1.5`);
process.exit(failed === 0 ? 0 : 1);
