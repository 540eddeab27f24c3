// Loaded just before plotly.min.js. The plotly.js 4.x bundle inserts the map library's stylesheet as an
// inline <style> element with this id unless an element with the id already exists; our strict
// content-security policy blocks inline styles, and Hromada draws no maps, so a placeholder element
// stands in for it. (A browser test fails on any CSP violation, so a plotly.js update that changes the id
// is noticed.)
(function () {
  "use strict";
  var id = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53";
  if (!document.getElementById(id)) {
    var placeholder = document.createElement("meta");
    placeholder.id = id;
    document.head.appendChild(placeholder);
  }
})();
