// A street list that follows its district: <select data-follows="region"> keeps
// only the options whose data-region is the chosen district (all of them while
// no district is chosen). Options are taken out rather than hidden, because
// some mobile browsers show hidden options anyway.
(function () {
  "use strict";
  var selects = document.querySelectorAll("select[data-follows]");
  Array.prototype.forEach.call(selects, function (street) {
    var form = street.form;
    var district = form && form.elements[street.getAttribute("data-follows")];
    if (!district) return;
    var all = Array.prototype.slice.call(street.options);
    function sync() {
      var chosen = district.value;
      var keep = street.value;
      while (street.options.length) street.remove(0);
      all.forEach(function (option) {
        var region = option.getAttribute("data-region");
        if (!region || !chosen || region === chosen) street.add(option);
      });
      // A street of another district is no longer offered: back to the blank choice.
      street.value = keep;
      if (street.value !== keep) street.selectedIndex = 0;
    }
    district.addEventListener("change", sync);
    sync();
  });
})();
