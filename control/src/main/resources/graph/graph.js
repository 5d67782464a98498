// The Ambit service graph: reads /graph/api/graph (docs/graph.md) every few seconds and draws it with cytoscape.
(function () {
  'use strict';
  var REFRESH_MS = 5000;
  var LOCK = '\uD83D\uDD12';
  var selected = null;
  var lastGraph = null;

  var cy = cytoscape({
    container: document.getElementById('graph'),
    wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: {
          'label': 'data(label)', 'text-valign': 'bottom', 'text-margin-y': 4, 'font-size': 11,
          'background-color': '#1565c0', 'width': 28, 'height': 28 } },
      { selector: 'node[!inMesh]', style: { 'background-color': '#9e9e9e' } },
      { selector: 'node[kind = "waypoint"]', style: { 'shape': 'diamond', 'background-color': '#6a1b9a' } },
      { selector: 'node[kind = "outside"]', style: { 'shape': 'round-rectangle', 'background-color': '#757575' } },
      { selector: 'node[kind = "identity"]', style: { 'background-color': '#9e9e9e' } },
      { selector: 'node[kind = "namespace"]', style: {
          'label': 'data(label)', 'text-valign': 'top', 'font-size': 12, 'font-weight': 'bold',
          'background-color': '#eef2f7', 'border-color': '#b0bccb', 'border-width': 1, 'shape': 'round-rectangle' } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#ffb300' } },
      { selector: 'edge', style: {
          'label': 'data(label)', 'font-size': 10, 'text-background-color': '#fff', 'text-background-opacity': 0.85,
          'text-background-padding': 2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle',
          'width': 2, 'line-color': '#2e7d32', 'target-arrow-color': '#2e7d32', 'text-rotation': 'autorotate' } },
      { selector: 'edge[security != "mTLS"]', style: {
          'line-color': '#ef6c00', 'target-arrow-color': '#ef6c00', 'line-style': 'dashed' } },
      { selector: 'edge[?failing]', style: { 'line-color': '#c62828', 'target-arrow-color': '#c62828', 'width': 3 } },
      // Connections the destination's policy refused: red; dotted when nothing got through at all.
      { selector: 'edge[?refused]', style: { 'line-color': '#c62828', 'target-arrow-color': '#c62828', 'width': 3,
          'target-arrow-shape': 'tee' } },
      { selector: 'edge[?onlyRefused]', style: { 'line-style': 'dotted' } },
      { selector: 'edge:selected', style: { 'width': 4 } }
    ]
  });
  window.ambitGraph = cy; // for scripts and the browser test

  function fixed(n, digits) { return Number(n).toFixed(digits); }

  function edgeLabel(e) {
    var parts = [];
    if (e.http) {
      parts.push(e.http.requestsPerSecond != null ? fixed(e.http.requestsPerSecond, 1) + ' req/s'
        : e.http.requests + ' req');
      if (e.http.errorShare != null && e.http.errorShare > 0) parts.push(fixed(100 * e.http.errorShare, 0) + '% err');
      if (e.http.p99Seconds != null) parts.push('p99 ' + fixed(1000 * e.http.p99Seconds, 0) + ' ms');
      if (e.http.forbidden > 0) parts.push(e.http.forbidden + '\u00D7403');
    } else if (e.tcp && (e.tcp.connectionsOpened > 0 || !(e.tcp.connectionsRefused > 0))) {
      parts.push(e.tcp.connectionsPerSecond != null ? fixed(e.tcp.connectionsPerSecond, 1) + ' conn/s'
        : e.tcp.connectionsOpened + ' conn');
      if (e.tcp.bytesPerSecond != null) parts.push(humanBytes(e.tcp.bytesPerSecond) + '/s');
    }
    if (e.tcp && e.tcp.connectionsRefused > 0) parts.push(refusedBadge(e.tcp));
    return (e.security === 'mTLS' ? LOCK + ' ' : e.security + ' ') + parts.join(' \u00B7 ');
  }

  // "⛔ 12 refused 0.4/s (policy_denied)": the total, and the rate once there is one.
  function refusedBadge(tcp) {
    return '\u26D4 ' + tcp.connectionsRefused + ' refused'
      + (tcp.refusedPerSecond != null ? ' ' + fixed(tcp.refusedPerSecond, 1) + '/s' : '')
      + ' (' + Object.keys(tcp.refusedByReason).join(', ') + ')';
  }

  function humanBytes(n) {
    if (n >= 1048576) return fixed(n / 1048576, 1) + ' MiB';
    if (n >= 1024) return fixed(n / 1024, 1) + ' KiB';
    return fixed(n, 0) + ' B';
  }

  function elementsOf(graph) {
    var elements = [];
    var children = [];
    var namespaces = {};
    graph.nodes.forEach(function (n) {
      var parent = n.namespace && n.kind !== 'identity' ? 'ns:' + n.namespace : undefined;
      if (parent) namespaces[parent] = n.namespace;
      children.push({ group: 'nodes', data: { id: n.id, label: n.name, kind: n.kind, inMesh: n.inMesh,
        parent: parent } });
    });
    // Parents before their children: cytoscape ignores a parent that does not exist yet.
    Object.keys(namespaces).forEach(function (id) {
      elements.push({ group: 'nodes', data: { id: id, label: namespaces[id], kind: 'namespace', inMesh: true } });
    });
    elements = elements.concat(children);
    graph.edges.forEach(function (e) {
      var failing = !!(e.http && (e.http.forbidden > 0 || (e.http.errorShare || 0) > 0));
      var refused = !!(e.tcp && e.tcp.connectionsRefused > 0);
      var onlyRefused = refused && e.tcp.connectionsOpened === 0 && !e.http;
      elements.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: edgeLabel(e),
        security: e.security, failing: failing, refused: refused, onlyRefused: onlyRefused } });
    });
    return elements;
  }

  function render(graph) {
    lastGraph = graph;
    var elements = elementsOf(graph);
    var wanted = {};
    var added = false;
    elements.forEach(function (el) { wanted[el.data.id] = el; });
    cy.batch(function () {
      cy.elements().forEach(function (el) { if (!wanted[el.id()]) el.remove(); });
      elements.filter(function (el) { return el.group === 'nodes'; }).concat(
        elements.filter(function (el) { return el.group === 'edges'; })).forEach(function (el) {
        var existing = cy.getElementById(el.data.id);
        if (existing.nonempty()) {
          existing.data(el.data);
        } else {
          cy.add(el);
          added = true;
        }
      });
    });
    if (added) cy.layout({ name: 'cose', animate: false, nodeDimensionsIncludeLabels: true, randomize: false,
      padding: 30 }).run();
    renderTables(graph);
    if (selected) showSelection(selected);
    var failed = graph.scrapes.filter(function (s) { return !s.ok; });
    document.getElementById('status').textContent = 'updated ' + graph.generatedAt + ' \u00B7 ' + graph.nodes.length
      + ' nodes, ' + graph.edges.length + ' edges' + (failed.length ? ' \u00B7 ' + failed.length
      + ' endpoint(s) not answering: ' + failed.map(function (s) { return s.name; }).join(', ') : '');
  }

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text == null ? '' : text;
    if (cls) td.className = cls;
    row.appendChild(td);
  }

  function renderTables(graph) {
    var body = document.querySelector('#edges tbody');
    body.textContent = '';
    graph.edges.forEach(function (e) {
      var row = document.createElement('tr');
      row.setAttribute('data-edge', e.id);
      cell(row, e.source); cell(row, e.target); cell(row, e.security, e.security); cell(row, edgeLabel(e));
      cell(row, e.waypoint);
      body.appendChild(row);
    });
    var nodes = document.querySelector('#mesh-nodes tbody');
    nodes.textContent = '';
    (graph.meshNodes || []).forEach(function (m) {
      var row = document.createElement('tr');
      cell(row, m.name);
      cell(row, Object.keys(m.refusedConnections).map(function (k) { return k + ': ' + m.refusedConnections[k]; })
        .join(', ') || 'none');
      cell(row, m.droppedPlaintextSyns);
      nodes.appendChild(row);
    });
  }

  function definitions(pairs) {
    var dl = document.createElement('dl');
    pairs.forEach(function (p) {
      if (p[1] == null || p[1] === '') return;
      var dt = document.createElement('dt'); dt.textContent = p[0];
      var dd = document.createElement('dd'); dd.textContent = p[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    return dl;
  }

  function expiry(seconds) {
    if (seconds == null) return 'unknown (no tunnel reported it)';
    var hours = Math.floor(seconds / 3600);
    return 'in ' + hours + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
  }

  function showSelection(id) {
    var title = document.getElementById('panel-title');
    var body = document.getElementById('panel-body');
    body.textContent = '';
    var node = lastGraph.nodes.find(function (n) { return n.id === id; });
    var edge = lastGraph.edges.find(function (e) { return e.id === id; });
    if (node) {
      title.textContent = node.name + ' (' + node.kind + ')';
      body.appendChild(definitions([['namespace', node.namespace], ['services', (node.services || []).join(', ')]]));
      (node.workloads || []).forEach(function (w) {
        var h = document.createElement('h3'); h.textContent = w.name; body.appendChild(h);
        body.appendChild(definitions([['identity (SPIFFE)', w.identity], ['node', w.node],
          ['addresses', w.addresses.join(', ')], ['dataplane mode', w.dataplaneMode],
          ['certificate expires', w.dataplaneMode === 'AMBIENT' ? expiry(w.certificateExpiresInSeconds) : null],
          ['waypoint', w.waypoint || 'none'], ['policies', w.policies.length ? w.policies.join(', ') : 'none']]));
      });
    } else if (edge) {
      title.textContent = edge.source + ' \u2192 ' + edge.target;
      body.appendChild(definitions([['security', edge.security],
        ['source principals', edge.sourcePrincipals.join(', ')],
        ['destination principals', edge.destinationPrincipals.join(', ')], ['waypoint', edge.waypoint],
        ['TCP', edge.tcp ? edge.tcp.connectionsOpened + ' connections (' + edge.tcp.mtlsConnections + ' mTLS, '
          + edge.tcp.plaintextConnections + ' plaintext), ' + humanBytes(edge.tcp.sentBytes) + ' sent, '
          + humanBytes(edge.tcp.receivedBytes) + ' received' : null],
        ['refused by policy', edge.tcp && edge.tcp.refusedByReason ? Object.keys(edge.tcp.refusedByReason)
          .map(function (k) { return k + ': ' + edge.tcp.refusedByReason[k].connections; }).join(', ') : null],
        ['HTTP', edge.http ? edge.http.requests + ' requests, ' + edge.http.errors + ' errors, '
          + edge.http.forbidden + ' \u00D7 403; codes ' + JSON.stringify(edge.http.responseCodes) : null]]));
    } else {
      title.textContent = 'Select a workload';
    }
  }

  cy.on('tap', 'node[kind != "namespace"], edge', function (event) {
    selected = event.target.id();
    showSelection(selected);
  });

  function refresh() {
    fetch('api/graph', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(render)
      .catch(function (e) { document.getElementById('status').textContent = 'cannot read the graph: ' + e.message; });
  }
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
