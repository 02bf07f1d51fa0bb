// The job page works without this file: it reloads itself every two seconds. With it,
// the job's part of the page is fetched and replaced in place every second, so the bar
// moves without the page flashing, and it stops once the job has ended.
document.addEventListener('DOMContentLoaded', function () {
  var job = document.getElementById('job');
  if (!job || !window.fetch || !window.DOMParser) return;
  var ended = ['done', 'failed', 'cancelled'];
  var status = document.createElement('p');
  status.className = 'announce';
  status.setAttribute('role', 'status');
  job.parentNode.insertBefore(status, job.nextSibling);

  function update() {
    fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        var next = new DOMParser().parseFromString(text, 'text/html');
        var fresh = next.getElementById('job');
        if (!fresh) return;
        var state = fresh.getAttribute('data-state');
        if (state !== job.getAttribute('data-state')) {
          var heading = fresh.querySelector('h2');
          status.textContent = heading ? heading.textContent : state;
        }
        job.replaceWith(fresh);
        job = fresh;
        var refused = next.getElementById('refused');
        var current = document.getElementById('refused');
        if (refused) {
          var section = refused.closest('section');
          var old = current ? current.closest('section') : null;
          if (old) old.replaceWith(section); else status.after(section);
        }
        document.title = next.title;
        if (ended.indexOf(state) < 0) window.setTimeout(update, 1000);
      })
      .catch(function () { window.setTimeout(update, 3000); });
  }
  if (ended.indexOf(job.getAttribute('data-state')) < 0) window.setTimeout(update, 1000);
});
