/* scholarkg query page: YASGUI plus saved queries with parameter fields and share links.
   Parameters are bound on the server (GET /queries/<name>?<param>=<value>), the one place
   that escapes values, and the bound text is run in the editor. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var endpoint = window.location.origin + "/sparql";
  var select = document.getElementById("saved-select");
  var fields = document.getElementById("saved-fields");
  var form = document.getElementById("saved-form");
  var description = document.getElementById("saved-description");
  var errorBox = document.getElementById("saved-error");
  var share = document.getElementById("share-link");

  var yasgui = new window.Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: data.initial }
  });
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(data.initial);

  // Instance IRIs in results link to this server's pages (the IRIs dereference here).
  function localLinks() {
    var base = data.iriBase;
    Array.prototype.forEach.call(
      document.querySelectorAll("#yasgui .yasr a[href]"),
      function (a) {
        var href = a.getAttribute("href");
        if (href.indexOf(base) === 0 && href.length > base.length) {
          a.setAttribute("href", data.pathPrefix + href.slice(base.length));
          a.removeAttribute("target");
        }
      }
    );
  }
  tab.getYasr().on("drawn", localLinks);

  function showFields(name, values) {
    fields.textContent = "";
    errorBox.textContent = "";
    share.hidden = true;
    var query = data.saved[name];
    description.textContent = query ? query.description : "";
    if (!query) { return; }
    query.parameters.forEach(function (p) {
      var label = document.createElement("label");
      label.className = "param";
      label.textContent = p.name + (p.optional ? "" : " (required)") + " ";
      var input = document.createElement("input");
      input.name = p.name;
      input.id = "param-" + p.name;
      if (p.kind === "integer") { input.type = "number"; input.step = "1"; }
      input.placeholder = p.description;
      input.title = p.description;
      input.value = (values && values[p.name]) || "";
      input.required = !p.optional;
      label.appendChild(input);
      fields.appendChild(label);
    });
  }

  function currentParams() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(fields.querySelectorAll("input"), function (input) {
      if (input.value !== "") { params.append(input.name, input.value); }
    });
    return params;
  }

  function runSaved() {
    var name = select.value;
    if (!name) { return; }
    var params = currentParams();
    var link = window.location.origin + "/sparql?saved=" + encodeURIComponent(name) +
      (params.toString() ? "&" + params.toString() : "");
    share.href = link;
    share.textContent = "Share link";
    share.hidden = false;
    window.history.replaceState(null, "", link);
    errorBox.textContent = "";
    fetch("/queries/" + encodeURIComponent(name) + "?" + params.toString(), {
      headers: { "Accept": "application/sparql-query, text/plain" }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) { errorBox.textContent = text; return; }
        tab.setQuery(text);
        tab.query();
      });
    }).catch(function (error) { errorBox.textContent = String(error); });
  }

  select.addEventListener("change", function () {
    showFields(select.value, {});
    if (select.value) { tab.setQuery(data.saved[select.value].text); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    runSaved();
  });
  if (data.chosen) {
    select.value = data.chosen;
    showFields(data.chosen, data.params);
    tab.setQuery(data.saved[data.chosen].text);
    if (Object.keys(data.params).length) { runSaved(); }
  }
})();
