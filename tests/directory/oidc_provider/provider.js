// A real OpenID provider (panva/oidc-provider) for fb15's browser test. Its built-in login
// form ("dev interactions") signs in any login name; the account "erika" carries the groups
// and unit claims the test maps to a role and a unit. Configured by environment variables:
// PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

const accounts = {
  erika: {
    sub: "erika",
    preferred_username: "erika.dienst",
    given_name: "Erika",
    family_name: "Dienstkonto",
    email: "erika.dienst@stadt.example",
    email_verified: true,
    groups: ["/fb15/strategie", "/kantine"],
    department: "FB 15",
  },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      post_logout_redirect_uris: [process.env.POST_LOGOUT_REDIRECT_URI],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["given_name", "family_name", "preferred_username", "groups", "department"],
  },
  async findAccount(ctx, id) {
    const claims = accounts[id] || { ...accounts.erika, sub: id, preferred_username: id };
    return { accountId: id, async claims() { return claims; } };
  },
  // fb15 is a first-party client: no consent screen, the requested scopes are granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
});
provider.proxy = false;

provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
