// The comparison bot of the Teams load benchmark: a minimal echo bot on Microsoft's Bot Framework
// SDK for Node (botbuilder, pinned in package-lock.json), authentication on. Inbound tokens are
// validated by the SDK against the channel emulator's OpenID metadata; the echo goes to the
// emulator's connector. Prints "listening <port>" once it accepts requests.
// Usage: node echo_bot.js <emulator.json>
"use strict";

const fs = require("fs");
const http = require("http");
const https = require("https");
const {
    ActivityHandler,
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
} = require("botbuilder");

const emulator = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

// Outbound tokens by client credentials from the emulator's token endpoint. The SDK's own factory
// asks MSAL, whose authority discovery needs login.microsoftonline.com; this one does the same
// request against the emulator and caches the token until 5 minutes before it expires.
class EmulatorCredentialsFactory {
    constructor() {
        this.token = null;
        this.expiresAt = 0;
    }
    async isValidAppId(appId) {
        return appId === emulator.app_id;
    }
    async isAuthenticationDisabled() {
        return false;
    }
    async createCredentials() {
        return { signRequest: async (request) => {
            request.headers.set("authorization", `Bearer ${await this.accessToken()}`);
            return request;
        } };
    }
    accessToken() {
        if (this.token && Date.now() < this.expiresAt) {
            return Promise.resolve(this.token);
        }
        const form = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: emulator.app_id,
            client_secret: emulator.app_password,
            scope: "https://api.botframework.com/.default",
        }).toString();
        return new Promise((resolve, reject) => {
            const req = https.request(emulator.token_url, {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
            }, (res) => {
                let text = "";
                res.on("data", (d) => { text += d; });
                res.on("end", () => {
                    if (res.statusCode !== 200) {
                        reject(new Error(`token endpoint answered ${res.statusCode}`));
                        return;
                    }
                    const answer = JSON.parse(text);
                    this.token = answer.access_token;
                    this.expiresAt = Date.now() + (answer.expires_in - 300) * 1000;
                    resolve(this.token);
                });
            });
            req.on("error", reject);
            req.end(form);
        });
    }
}

const metadataBase = new URL(emulator.token_url);
const auth = new ConfigurationBotFrameworkAuthentication(
    {
        MicrosoftAppId: emulator.app_id,
        MicrosoftAppType: "SingleTenant",
        MicrosoftAppTenantId: emulator.tenant_id,
        ValidateAuthority: true,
        ToChannelFromBotLoginUrl: `${metadataBase.origin}/${emulator.tenant_id}`,
        ToChannelFromBotOAuthScope: "https://api.botframework.com",
        ToBotFromChannelTokenIssuer: "https://api.botframework.com",
        OAuthUrl: "https://api.botframework.com",
        ToBotFromChannelOpenIdMetadataUrl: emulator.openid_metadata_url,
        ToBotFromEmulatorOpenIdMetadataUrl: emulator.openid_metadata_url,
        CallerId: "urn:botframework:azure",
    },
    new EmulatorCredentialsFactory(),
    { requiredEndorsements: [] });
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (context, error) => {
    console.error(`echo bot: turn failed: ${error.message}`);
};

class EchoBot extends ActivityHandler {
    constructor() {
        super();
        this.onMessage(async (context, next) => {
            await context.sendActivity(`Du skrev: ${context.activity.text || ""}`);
            await next();
        });
    }
}
const bot = new EchoBot();

// The SDK expects an express/restify-style request (parsed body) and response.
const server = http.createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d) => { text += d; });
    req.on("end", () => {
        try {
            req.body = JSON.parse(text);
        } catch {
            req.body = undefined;
        }
        let body;
        const wrapped = {
            socket: res.socket,
            header: (name, value) => res.setHeader(name, value),
            status: (code) => { res.statusCode = code; },
            send: (b) => { body = typeof b === "string" ? b : JSON.stringify(b); },
            end: () => res.end(body),
        };
        adapter.process(req, wrapped, (context) => bot.run(context)).catch((e) => {
            console.error(`echo bot: ${e.message}`);
            res.statusCode = 500;
            res.end();
        });
    });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => {
    console.log(`listening ${server.address().port}`);
});
