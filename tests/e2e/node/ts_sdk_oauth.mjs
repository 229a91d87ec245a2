// The official TypeScript SDK's OAuth client against a server in oauth mode, headless:
//
//   node ts_sdk_oauth.mjs CONFIG_JSON
//
// CONFIG_JSON: {"url": the MCP endpoint, "username", "password", "tool": a tool to call,
// "modules": the node_modules directory holding @modelcontextprotocol/sdk}.
// The SDK meets the 401, reads the metadata, registers, and asks to open the login page; the
// person at the page is played here (the form read and posted back with its cookie, as a
// browser would); the SDK then redeems the code with its PKCE verifier, reconnects, lists the
// tools and calls one. Prints as JSON what happened at each step.

import { createRequire } from "node:module";

const config = JSON.parse(process.argv[2]);
const require = createRequire(`${config.modules}/`);
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = require("@modelcontextprotocol/sdk/client/streamableHttp.js");
const { UnauthorizedError } = require("@modelcontextprotocol/sdk/client/auth.js");

const redirectUrl = "http://127.0.0.1:33419/callback";
const result = { pages: [], registered: null, tokens: null, tools: [], called: null, error: null };

/** The SDK's OAuthClientProvider, in memory. */
class MemoryProvider {
  constructor() {
    this.client = undefined;
    this.saved = undefined;
    this.verifier = undefined;
  }
  get redirectUrl() {
    return redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: "mcpgen e2e (TypeScript SDK)",
      redirect_uris: [redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information) {
    this.client = information;
    result.registered = information.client_id;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens) {
    this.saved = tokens;
    result.tokens = { scope: tokens.scope, refresh: Boolean(tokens.refresh_token), type: tokens.token_type };
  }
  redirectToAuthorization(url) {
    result.pages.push(url.toString());
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** A form's fields as a browser would post them: every input with a name and a value, ticked
 * boxes only, in order. */
function formFields(html) {
  const fields = [];
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    const attribute = (name) => {
      const found = tag.match(new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, "i"));
      return found ? found[1].replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&#x27;", "'").replaceAll("&#39;", "'") : null;
    };
    const name = attribute("name");
    const type = (attribute("type") ?? "text").toLowerCase();
    if (!name || type === "submit" || (type === "checkbox" && !/\bchecked\b/i.test(tag))) continue;
    fields.push([name, attribute("value") ?? ""]);
  }
  return fields;
}

/** Signs in at the page `url` shows; where the server sends the browser. */
async function signIn(url) {
  const page = await fetch(url, { redirect: "manual" });
  if (page.status !== 200) throw new Error(`GET ${url}: HTTP ${page.status}`);
  const cookie = (page.headers.getSetCookie?.() ?? []).map((line) => line.split(";")[0]).join("; ");
  const html = await page.text();
  const action = html.match(/<form\b[^>]*\baction\s*=\s*"([^"]*)"/i)?.[1] ?? url;
  const body = new URLSearchParams();
  for (const [name, value] of formFields(html)) {
    if (name === "username") body.append(name, config.username);
    else if (name === "password") body.append(name, config.password);
    else body.append(name, value);
  }
  if (!body.has("password")) body.append("password", config.password);
  const posted = await fetch(new URL(action.replaceAll("&amp;", "&"), url), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: new URL(url).origin },
    body,
  });
  const location = posted.headers.get("location");
  if (posted.status !== 302 || !location) throw new Error(`POST of the login form: HTTP ${posted.status} ${await posted.text()}`);
  return new URL(location);
}

const provider = new MemoryProvider();
const client = new Client({ name: "mcpgen-e2e-ts", version: "1.0.0" });
try {
  // The transport that met the 401 redeems the code (it holds the metadata it was pointed
  // at); a new one connects with the token, as the SDK's own example client does.
  const first = new StreamableHTTPClientTransport(new URL(config.url), { authProvider: provider });
  try {
    await client.connect(first);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    const back = await signIn(result.pages.at(-1));
    result.redirect = back.toString();
    await first.finishAuth(back.searchParams.get("code"));
    await client.connect(new StreamableHTTPClientTransport(new URL(config.url), { authProvider: provider }));
  }
  result.tools = (await client.listTools()).tools.map((tool) => tool.name);
  const called = await client.callTool({ name: config.tool, arguments: {} });
  result.called = called.structuredContent ?? called.content;
  await client.close();
} catch (error) {
  result.error = String(error?.stack ?? error);
}
console.log(JSON.stringify(result));
