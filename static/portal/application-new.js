// New application: offer only the grades of the chosen self-assessment's standard
// (the choices come from the json_script block "tiers-by-assessment").
(function () {
  "use strict";
  var data = document.getElementById("tiers-by-assessment");
  var assessment = document.querySelector("select[name=assessment]");
  var tier = document.querySelector("select[name=tier]");
  if (!data || !assessment || !tier) return;
  var tiers = JSON.parse(data.textContent);
  function sync() {
    var allowed = tiers[assessment.value];
    for (var i = 0; i < tier.options.length; i++) {
      var option = tier.options[i];
      option.hidden = !!allowed && allowed.indexOf(option.value) === -1;
    }
    if (tier.selectedOptions[0] && tier.selectedOptions[0].hidden) {
      var first = Array.prototype.find.call(tier.options, function (o) { return !o.hidden; });
      if (first) tier.value = first.value;
    }
  }
  assessment.addEventListener("change", sync);
  sync();
})();
