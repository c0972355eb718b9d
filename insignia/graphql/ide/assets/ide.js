// The development GraphiQL page: GraphiQL with the explorer plugin, plus a helper that puts a
// bearer token for a chosen person into the headers editor. Every file comes from this server.
(function () {
  "use strict";

  var EXAMPLE = [
    "# Insignia GraphQL (development). Pick a person above to get a bearer token, then run:",
    "{",
    "  viewer { email roles audience { name } }",
    "  tenant { slug name }",
    "  people(first: 10) { totalCount edges { node { email manager { email } } } pageInfo { hasNextPage endCursor } }",
    "}",
    "",
  ].join("\n");

  var endpoint = window.location.pathname.replace(/\/+$/, "") || "/graphql";
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  var generation = 0;

  function mount(headers) {
    generation += 1;
    var props = {
      key: generation,
      fetcher: fetcher,
      plugins: [explorer],
      defaultQuery: EXAMPLE,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    };
    if (headers !== undefined) {
      props.headers = headers;
    }
    root.render(React.createElement(GraphiQL, props));
  }

  var tenantSelect = document.getElementById("helper-tenant");
  var personSelect = document.getElementById("helper-person");
  var status = document.getElementById("helper-status");

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function getJson(url, init) {
    return fetch(url, init).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error(body.error || "HTTP " + response.status);
        }
        return body;
      });
    });
  }

  function loadPeople() {
    personSelect.replaceChildren();
    if (!tenantSelect.value) {
      return Promise.resolve();
    }
    return getJson(endpoint + "/ide/people?tenant=" + encodeURIComponent(tenantSelect.value)).then(function (people) {
      people.forEach(function (person) {
        personSelect.appendChild(option(person.email, person.email + " (" + person.roles.join(", ") + ")"));
      });
    });
  }

  tenantSelect.addEventListener("change", function () {
    loadPeople().catch(function (error) {
      status.textContent = error.message;
    });
  });

  document.getElementById("token-helper").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!tenantSelect.value || !personSelect.value) {
      status.textContent = "Pick a tenant and a person first.";
      return;
    }
    getJson(endpoint + "/ide/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ tenant: tenantSelect.value, email: personSelect.value }),
    })
      .then(function (answer) {
        mount(JSON.stringify({ Authorization: "Bearer " + answer.token }, null, 2));
        status.textContent = "Headers hold a token for " + personSelect.value + " (8 h).";
      })
      .catch(function (error) {
        status.textContent = error.message;
      });
  });

  mount();
  getJson(endpoint + "/ide/tenants")
    .then(function (tenants) {
      tenants.forEach(function (tenant) {
        tenantSelect.appendChild(option(tenant.slug, tenant.name + " (" + tenant.slug + ")"));
      });
      return loadPeople();
    })
    .catch(function (error) {
      status.textContent = "Token helper unavailable: " + error.message;
    });
})();
