// The verification page works without this file. With it, choosing a photo of the QR
// code sends it at once, saving a tap on a phone.
document.addEventListener('DOMContentLoaded', function () {
  var input = document.getElementById('image');
  if (!input || !input.form) return;
  input.addEventListener('change', function () {
    if (!input.files || input.files.length === 0) return;
    if (input.form.requestSubmit) input.form.requestSubmit();
    else input.form.submit();
  });
});
