// The progress of a job (templates/jobs/progress.html): asks its status address every two
// seconds, moves the bar, and reloads the page when the job has finished, so that the page
// shows the download or the report. Without JavaScript, the page's "refresh" link does this.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || box.getAttribute("data-job-finished") === "1") {
    return;
  }
  var bar = box.querySelector("progress");
  function show(name, value) {
    var element = box.querySelector("[data-job-" + name + "]");
    if (element) {
      element.textContent = value;
    }
  }
  function poll() {
    fetch(box.getAttribute("data-job-status"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (!status) {
          window.setTimeout(poll, 5000);
          return;
        }
        if (status.finished) {
          window.location.reload();
          return;
        }
        bar.max = status.total || 1;
        bar.value = status.done;
        show("state", status.state_label);
        show("done", status.done);
        show("total", status.total);
        show("percent", status.percent);
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
