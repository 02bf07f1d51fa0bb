// The designer works without this file: its buttons post the form, and the page comes
// back with the checks, the example or the PDF. With it, the layout is checked and
// previewed as the author types (half a second after the last key), the preview is drawn
// with pdf.js (Debian's libjs-pdf, served by examdocs), the editor has line numbers, and a
// finding, clicked, selects its place in the text.
document.addEventListener('DOMContentLoaded', function () {
  'use strict';
  var form = document.getElementById('designer');
  if (!form || !window.fetch) return;
  var layout = document.getElementById('layout');
  var data = document.getElementById('data');
  var gutter = document.getElementById('gutter');
  var outline = document.getElementById('outline');
  var preview = document.getElementById('preview');
  var status = document.getElementById('preview-status');
  var findings = document.getElementById('findings');
  var summary = document.getElementById('findings-summary');
  var csrf = form.querySelector('input[name="csrf"]').value;
  var pdfjs = window.pdfjsLib || null;
  if (pdfjs) pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdfjs/pdf.worker.js';
  // One pdf.js worker for the page's life: each getDocument without one started a worker
  // of its own (~1.3 s of CPU to load its script) and left it running after the redraw.
  var worker = null;
  var shown = null;  // the document on screen, destroyed once another replaces it

  var example = null;   // the generated example for the layout last checked
  var timer = null;
  var asked = 0;        // checks started; an answer to an older one is dropped
  var rendered = 0;

  // ---- line numbers ----------------------------------------------------------------
  function numberLines() {
    var lines = layout.value.split('\n').length;
    if (gutter.childNodes.length && gutter.getAttribute('data-lines') === String(lines)) return;
    var text = '';
    for (var n = 1; n <= lines; n++) text += n + '\n';
    gutter.textContent = text;
    gutter.setAttribute('data-lines', String(lines));
  }
  layout.addEventListener('scroll', function () { gutter.scrollTop = layout.scrollTop; });

  // ---- a JSON pointer to its place in the text ----------------------------------------
  // A small scanner over text that parses: the start and end of the value at `pointer`,
  // or of the nearest enclosing value when the pointer names something missing.
  function locate(text, pointer) {
    var want = pointer === '' ? [] : pointer.split('/').slice(1).map(function (p) {
      return p.replace(/~1/g, '/').replace(/~0/g, '~');
    });
    var i = 0;
    var best = null;
    var bestDepth = -1;
    function ws() { while (i < text.length && ' \t\r\n'.indexOf(text[i]) >= 0) i++; }
    function string() {
      var start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i));
    }
    function value(path) {
      ws();
      var start = i;
      if (text[i] === '{') {
        i++; ws();
        if (text[i] === '}') i++;
        else for (;;) {
          ws(); var key = string(); ws(); i++;
          value(path.concat([key])); ws();
          if (text[i++] !== ',') break;
        }
      } else if (text[i] === '[') {
        i++; ws();
        var n = 0;
        if (text[i] === ']') i++;
        else for (;;) {
          value(path.concat([String(n++)])); ws();
          if (text[i++] !== ',') break;
        }
      } else if (text[i] === '"') {
        string();
      } else {
        while (i < text.length && ',}] \t\r\n'.indexOf(text[i]) < 0) i++;
      }
      var depth = 0;
      while (depth < path.length && depth < want.length && path[depth] === want[depth]) depth++;
      if (depth === path.length && depth > bestDepth) { best = [start, i]; bestDepth = depth; }
    }
    try { value([]); } catch (e) { return null; }
    return best;
  }

  function offsetOf(text, line, column) {
    var at = 0;
    for (var l = 1; l < line && at >= 0; l++) at = text.indexOf('\n', at) + 1;
    return Math.min(text.length, Math.max(0, at) + column - 1);
  }

  function select(item) {
    var text = layout.value;
    var span = null;
    if (item.line) {
      var at = offsetOf(text, item.line, item.column);
      span = [at, Math.min(text.length, at + 1)];
    } else {
      span = locate(text, item.pointer);
    }
    if (!span) return;
    layout.focus();
    layout.setSelectionRange(span[0], span[1]);
    var line = text.slice(0, span[0]).split('\n').length;
    var height = parseFloat(getComputedStyle(layout).lineHeight) || 16;
    layout.scrollTop = Math.max(0, (line - 4) * height);
  }

  // ---- the findings ------------------------------------------------------------------
  function list(id, items) {
    var ul = document.getElementById(id);
    ul.textContent = '';
    items.forEach(function (item) {
      var li = document.createElement('li');
      li.setAttribute('data-pointer', item.pointer);
      li.setAttribute('data-code', item.code);
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'at';
      var code = document.createElement('code');
      code.textContent = item.pointer || '/';
      button.appendChild(code);
      button.title = 'Select this place in the layout';
      button.addEventListener('click', function () { select(item); });
      var words = document.createElement('span');
      words.textContent = ' ' + item.message + ' ';
      var small = document.createElement('small');
      small.textContent = item.code;
      li.appendChild(button);
      li.appendChild(words);
      li.appendChild(small);
      ul.appendChild(li);
    });
  }

  function showFindings(answer) {
    list('errors', answer.errors);
    list('warnings', answer.warnings);
    var e = answer.errors.length;
    var w = answer.warnings.length;
    summary.textContent = e + ' 个错误，' + w + ' 个警告。';
    var english = document.createElement('span');
    english.lang = 'en';
    english.textContent = e + (e === 1 ? ' error, ' : ' errors, ') + w +
      (w === 1 ? ' warning.' : ' warnings.');
    summary.appendChild(english);
    findings.setAttribute('data-errors', String(e));
    findings.setAttribute('data-warnings', String(w));
  }

  function say(text) { status.textContent = text; }

  // ---- check, then preview ------------------------------------------------------------
  function check() {
    var mine = ++asked;
    findings.setAttribute('data-state', 'checking');
    fetch('/layouts/designer/check', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: layout.value,
    }).then(function (response) {
      if (!response.ok) throw new Error('The check failed (' + response.status + '); sign in again?');
      return response.json();
    }).then(function (answer) {
      if (mine !== asked) return;
      showFindings(answer);
      findings.setAttribute('data-state', 'checked');
      example = answer.valid ? answer.example : null;
      if (answer.valid) {
        draw(mine);
      } else {
        preview.setAttribute('data-state', 'invalid');
        say('版式有错误，预览未更新。 The layout has errors; the preview waits for them to be fixed.');
      }
    }).catch(function (error) {
      if (mine !== asked) return;
      findings.setAttribute('data-state', 'failed');
      say(String(error.message || error));
    });
  }

  function requestBody() {
    var body = { layout: JSON.parse(layout.value) };
    if (data.value.trim() !== '') body.data = JSON.parse(data.value);
    return JSON.stringify(body);
  }

  function draw(mine) {
    var body;
    try {
      body = requestBody();
    } catch (e) {
      say('示例数据不是有效的 JSON。 The sample data is not valid JSON: ' + e.message);
      return;
    }
    say('正在生成预览… Rendering the preview…');
    preview.setAttribute('data-state', 'loading');
    fetch('/layouts/designer/preview?outline=' + (outline.checked ? 'true' : 'false'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: body,
    }).then(function (response) {
      if (response.ok) return response.arrayBuffer();
      return response.json().then(function (problem) {
        var words = (problem.errors || []).slice(0, 5).map(function (e) {
          return e.pointer + ': ' + e.message;
        }).join('; ');
        throw new Error((problem.detail || 'The preview failed.') + (words ? ' ' + words : ''));
      });
    }).then(function (bytes) {
      if (mine !== asked) return null;
      if (!pdfjs) {
        say('PDF 已生成，但没有 pdf.js 无法在此显示。 The PDF is ready, but without pdf.js it cannot be shown here.');
        return null;
      }
      if (!worker) worker = new pdfjs.PDFWorker();
      return pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false,
                                 worker: worker }).promise
        .then(function (pdf) { return paint(pdf, mine); });
    }).catch(function (error) {
      if (mine !== asked) return;
      preview.setAttribute('data-state', 'failed');
      say(String(error.message || error));
    });
  }

  function paint(pdf, mine) {
    var canvases = [];
    var chain = Promise.resolve();
    var width = Math.max(200, preview.clientWidth - 4);
    var ratio = window.devicePixelRatio || 1;
    for (var n = 1; n <= pdf.numPages; n++) {
      (function (number) {
        chain = chain.then(function () { return pdf.getPage(number); }).then(function (page) {
          var unscaled = page.getViewport({ scale: 1 });
          var viewport = page.getViewport({ scale: (width / unscaled.width) * ratio });
          var canvas = document.createElement('canvas');
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', '预览第 ' + number + ' 页 Preview, page ' + number +
            ' of ' + pdf.numPages);
          canvases.push(canvas);
          return page.render({ canvasContext: canvas.getContext('2d'), viewport: viewport }).promise;
        });
      })(n);
    }
    return chain.then(function () {
      if (mine !== asked) {
        pdf.destroy();
        return;
      }
      if (shown) shown.destroy();
      shown = pdf;
      preview.textContent = '';
      canvases.forEach(function (c) { preview.appendChild(c); });
      rendered += 1;
      preview.setAttribute('data-rendered', String(rendered));
      preview.setAttribute('data-state', 'drawn');
      say('预览已更新（' + pdf.numPages + ' 页）。 The preview is up to date (' + pdf.numPages +
        (pdf.numPages === 1 ? ' page).' : ' pages).'));
    });
  }

  // The text changed: what the findings and the preview show is no longer its own, and
  // an answer to a check asked before the change is dropped when it comes. (The states
  // also tell a test driving the page which answer it is looking at.)
  function soon() {
    ++asked;
    findings.setAttribute('data-state', 'changed');
    preview.setAttribute('data-state', 'changed');
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 500);
  }

  layout.addEventListener('input', function () { numberLines(); soon(); });
  data.addEventListener('input', soon);
  outline.addEventListener('change', soon);
  document.getElementById('check').addEventListener('click', function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    check();
  });
  document.getElementById('example').addEventListener('click', function (event) {
    if (!example) return;  // the form asks the server, which says why there is none
    event.preventDefault();
    data.value = JSON.stringify(example, null, 2);
    soon();
  });
  Array.prototype.forEach.call(document.querySelectorAll('.findings li'), function (li) {
    li.addEventListener('click', function () {
      select({ pointer: li.getAttribute('data-pointer'),
               line: Number(li.getAttribute('data-line') || 0),
               column: Number(li.getAttribute('data-column') || 0) });
    });
  });
  numberLines();
  check();
});
