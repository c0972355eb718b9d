// PostGraphile v4 for bench/compare.py: two processes (node cluster) over the bench database,
// connected as the application role; the tenant and the person come from the bearer token
// (Insignia's HS256 token, key derived as in insignia/tenants/auth.py) through pgSettings, so the
// same forced row-level security applies as in Insignia.
const cluster = require("node:cluster");
const crypto = require("node:crypto");
const http = require("node:http");
const jwt = require("jsonwebtoken");
const { postgraphile } = require("postgraphile");

const port = Number(process.env.PORT);
const workers = Number(process.env.WORKERS || 2);
const key = crypto.createHmac("sha256", process.env.SECRET).update("insignia/bearer-token/v1").digest();

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const middleware = postgraphile(process.env.DATABASE_URL, "public", {
    disableDefaultMutations: true,
    ignoreRBAC: false,
    graphiql: false,
    disableQueryLog: true,
    retryOnInitFail: false,
    pgSettings: (req) => {
      const header = req.headers.authorization || "";
      const claims = jwt.verify(header.replace(/^Bearer /, ""), key, { algorithms: ["HS256"], issuer: "insignia" });
      return { "app.tenant_id": claims.tid, "app.person_id": claims.sub };
    },
  });
  http.createServer(middleware).listen(port, "127.0.0.1");
}
