/* scholarkg query page: YASGUI plus saved queries with parameter fields and share links.
   Parameters are bound on the server (GET /queries/<name>?<param>=<value>), the one place
   that escapes values, and the bound text is run in the editor. Values in the results keep
   their direction to themselves (see isolateResults); every tab, the first or one added
   later, links IRIs here and shows the bidi controls of its query and results as marks. */
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

  // CodeMirror's own special characters plus the embeddings, PDF and FSI, which it shows as
  // they are: in a query editor (a share link's query, a pasted one) and the results' raw
  // response view, every bidi control is drawn as a mark of its own, so none reorders the
  // text around it and a query cannot look other than the text it runs.
  var SPECIAL = new RegExp("[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u200b\\u200e\\u200f" +
    "\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff\\ufff9-\\ufffc]");

  var yasgui = new window.Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // Each tab's editor is made with this configuration: the first and every one added.
    yasqe: { value: data.initial, specialChars: SPECIAL }
  });
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(data.initial);
  // The dataset of the results page whose "Edit this query" opened this page: the editor
  // runs over those graphs (as the page did) until a saved query is chosen. They go as
  // request arguments: YASGUI 4.6.2 sends its namedGraphs in place of its defaultGraphs.
  var dataset = document.getElementById("dataset");
  function setDataset(defaultGraphs, namedGraphs) {
    var args = defaultGraphs.map(function (g) { return { name: "default-graph-uri", value: g }; })
      .concat(namedGraphs.map(function (g) { return { name: "named-graph-uri", value: g }; }));
    tab.setRequestConfig({ args: args });
  }
  if (data.defaultGraphs.length || data.namedGraphs.length) {
    setDataset(data.defaultGraphs, data.namedGraphs);
  }
  function dropDataset() {
    if (dataset && !dataset.hidden) {
      setDataset([], []);
      dataset.hidden = true;
    }
  }

  // Instance IRIs in results link to this server's pages (the IRIs dereference here), in
  // every tab and on every page of a table (see the observer below). A path a browser reads
  // as another site's (//evil.example/x, /\evil.example/x: under the path prefix "/") is
  // linked by /describe?iri= instead, as the server's pages link it (IriMapper.path_for_iri).
  var OFF_SITE = /^\/[\/\\]/;
  function localLinks() {
    var base = data.iriBase, prefixesOf = tabPrefixes();
    Array.prototype.forEach.call(
      document.querySelectorAll("#yasgui .yasr a[href]"),
      function (a) {
        var href = wholeIri(a, prefixesOf);
        if (href.indexOf(base) === 0 && href.length > base.length) {
          var path = data.pathPrefix + href.slice(base.length);
          if (OFF_SITE.test(path)) { path = "/describe?iri=" + encodeURIComponent(href); }
          a.setAttribute("href", path);
          a.removeAttribute("target");
        }
      }
    );
  }

  // YASR writes an IRI's link as href='…' (single quotes), so the href of an IRI holding a
  // quote ends before it: http://e.example/a'b linked http://e.example/a, and <base>x'y this
  // server's page of x, another resource. The link's text is the IRI, or a prefixed name of it
  // made with its tab's prefixes (the quote in the local part, e:a'b, or in the namespace,
  // PREFIX p: <http://e.example/o'> showing p:brien): the IRI is the text, or the name
  // expanded with those prefixes, of which the href is the part before the first quote.
  var hasOwn = Object.prototype.hasOwnProperty;
  function wholeIri(a, prefixesOf) {
    var href = a.getAttribute("href");
    if (!a.classList.contains("iri") || href.indexOf("'") >= 0) { return href; }
    var text = a.textContent, colon = text.indexOf(":");
    if (text === href) { return href; }  // shown whole: no quote was cut
    var prefixes = prefixesOf(a);
    var label = text.slice(0, colon), named = colon >= 0 && hasOwn.call(prefixes, label);
    var found = [named ? prefixes[label] + text.slice(colon + 1) : text, text].filter(
      function (iri) { return iri.indexOf(href) === 0 && iri.charAt(href.length) === "'"; }
    );
    if (found.length) {
      href = found[0];
      a.setAttribute("href", href);
    }
    return href;
  }

  // For a link, the prefixes (label to namespace) YASR shortened the IRIs of its tab with,
  // read from the tab's query once per tab (a table has many links).
  function tabPrefixes() {
    var read = [];
    return function (a) {
      var ids = yasgui.persistentConfig.getTabs();
      for (var i = 0; i < ids.length; i++) {
        var each = yasgui.getTab(ids[i]), yasr = each && each.getYasr();
        if (yasr && yasr.rootEl && yasr.rootEl.contains(a)) {
          if (!read[i]) { read[i] = yasr.getPrefixes() || {}; }
          return read[i];
        }
      }
      return {};
    };
  }

  // Text from the sources keeps its direction to itself here too (as on the server's pages,
  // scholarkg/serve/bidi.py). YASR writes a literal as one text with its quote marks before a
  // "@lang" or "^^type" suffix, an IRI between "<" and ">": an unterminated override in the
  // value reversed them. Each value (each paragraph of it) goes into a <bdi>, which opens one
  // more isolate per stray PDI it holds and closes each isolate it leaves open (data-o and
  // data-c, generated content of the page's style, no part of the text).
  var FSI = "\u2068", PDI = "\u2069";
  var PARAGRAPHS = /([\n\r\x1c-\x1e\x85\u2029])/;

  function bdi(part) {
    var stray = 0, opened = 0;
    for (var i = 0; i < part.length; i++) {
      var c = part.charAt(i);
      if (c === "\u2066" || c === "\u2067" || c === FSI) { opened++; }
      else if (c === PDI) { if (opened) { opened--; } else { stray++; } }
    }
    var element = document.createElement("bdi");
    if (stray) { element.setAttribute("data-o", FSI.repeat(stray)); }
    if (opened) { element.setAttribute("data-c", PDI.repeat(opened)); }
    element.textContent = part;
    return element;
  }

  function isolate(element) {
    var node = element.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) { return; }
    var text = node.data, start = 0, end = text.length;
    if (node.nextSibling && node.nextSibling.nodeName === "SUP" && end >= 2) {
      start = 1; end -= 1;  // the quote marks YASR puts around a literal with a suffix
    }
    var fragment = document.createDocumentFragment();
    if (start) { fragment.appendChild(document.createTextNode(text.slice(0, start))); }
    text.slice(start, end).split(PARAGRAPHS).forEach(function (part, i) {
      fragment.appendChild(i % 2 ? document.createTextNode(part) : bdi(part));
    });
    if (end < text.length) { fragment.appendChild(document.createTextNode(text.slice(end))); }
    element.replaceChild(fragment, node);
  }

  function isolateResults() {
    Array.prototype.forEach.call(
      document.querySelectorAll("#yasgui .yasr .nonIri, #yasgui .yasr a.iri"),
      function (element) {
        if (!element.querySelector(":scope > bdi")) { isolate(element); }
      }
    );
    Array.prototype.forEach.call(
      document.querySelectorAll("#yasgui .yasr .CodeMirror"),
      function (wrapper) {
        var cm = wrapper.CodeMirror;
        if (cm && cm.getOption("specialChars") !== SPECIAL) {
          cm.setOption("specialChars", SPECIAL);
        }
      }
    );
  }
  // Every drawing of results: a plugin's, a page of the table's, any tab's.
  new MutationObserver(function (records) {
    if (records.some(function (r) { return r.target.closest && r.target.closest(".yasr"); })) {
      localLinks();
      isolateResults();
    }
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

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
      var input = document.createElement(p.kind === "choice" ? "select" : "input");
      input.name = p.name;
      input.id = "param-" + p.name;
      if (p.kind === "integer") { input.type = "number"; input.step = "1"; }
      if (p.kind === "choice") {  // one of the values the query lists ("" leaves it out)
        [""].concat(p.choices).forEach(function (value) {
          if (value === "" && !p.optional) { return; }
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value === "" ? "(any)" : value;
          input.appendChild(option);
        });
      } else {
        input.placeholder = p.description;
      }
      input.title = p.description;
      if (values && values[p.name]) { input.value = values[p.name]; }
      input.required = !p.optional;
      label.appendChild(input);
      fields.appendChild(label);
    });
  }

  function currentParams() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(fields.querySelectorAll("input, select"), function (input) {
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
    dropDataset();
    showFields(select.value, {});
    if (select.value) { tab.setQuery(data.saved[select.value].text); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    runSaved();
  });
  if (data.chosen) {
    dropDataset();
    select.value = data.chosen;
    showFields(data.chosen, data.params);
    tab.setQuery(data.saved[data.chosen].text);
    if (Object.keys(data.params).length) { runSaved(); }
  }
})();
