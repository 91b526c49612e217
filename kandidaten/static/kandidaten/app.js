/* Kandidatenoverzicht: the little the lists do in the browser. Everything works without it too:
   forms are plain GET forms, chips and page links plain links, option lists plain checkboxes.

   - A form with data-auto applies itself as it changes: through htmx when it has hx-get (only the results
     are swapped), else as a normal submit. Search fields wait until typing pauses.
   - Searchable option lists (.keuze): the search field narrows the checkboxes as you type, accents and
     case ignored; the summary counts what is ticked.
   - A chip (a.chip[data-veld]) unticks its value in the form and applies, instead of loading its link.
   - After a page or sort link (inside [data-focus]) the focus goes to the results' heading, not the top. */
(function () {
  "use strict";

  function vouw(tekst) {
    return tekst.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function initKeuzes(root) {
    root.querySelectorAll(".keuze__zoek:not([data-klaar])").forEach(function (zoek) {
      zoek.setAttribute("data-klaar", "");
      zoek.hidden = false;
      zoek.addEventListener("input", function () {
        var term = vouw(zoek.value);
        zoek.closest(".keuze").querySelectorAll(".keuze__opties li").forEach(function (li) {
          li.hidden = term !== "" && vouw(li.textContent).indexOf(term) === -1;
        });
      });
    });
  }

  function telKeuze(keuze) {
    var aantal = keuze.querySelectorAll(".keuze__opties input:checked").length;
    var vrij = keuze.querySelector(".keuze__vrij input[type=text]");
    if (vrij && vrij.value.trim() !== "") {
      aantal += 1;
    }
    var plek = keuze.querySelector(".keuze__aantal");
    if (plek) {
      plek.textContent = aantal ? "(" + aantal + " gekozen)" : "(alle)";
    }
  }

  function pasToe(form) {
    if (form.hasAttribute("hx-get") && window.htmx) {
      window.htmx.trigger(form, "filters-gewijzigd");
    } else if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function isTekst(veld) {
    return veld.type === "search" || veld.type === "text";
  }

  function initAutoForms() {
    var wacht = null;
    document.addEventListener("change", function (event) {
      var veld = event.target;
      var keuze = veld.closest && veld.closest(".keuze");
      if (keuze) {
        telKeuze(keuze);
      }
      if (!veld.name || !veld.form || !veld.form.hasAttribute("data-auto")) {
        return;
      }
      if (veld.type === "search") {
        return; // applied while typing, below
      }
      pasToe(veld.form);
    });
    document.addEventListener("input", function (event) {
      var veld = event.target;
      if (!veld.name || !veld.form || !veld.form.hasAttribute("data-auto") || veld.type !== "search") {
        return;
      }
      window.clearTimeout(wacht);
      wacht = window.setTimeout(function () { pasToe(veld.form); }, 400);
    });
  }

  function verwijderUitFormulier(form, veld, waarde) {
    var gevonden = false;
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name !== veld) {
        return;
      }
      if (element.type === "checkbox") {
        if (element.value === waarde || (waarde === "on" && element.checked)) {
          element.checked = false;
          gevonden = true;
        }
      } else if (element.tagName === "SELECT" && !element.multiple) {
        element.value = "";
        gevonden = true;
      } else if (element.type === "hidden" && element.value === waarde) {
        element.remove();
        gevonden = true;
      } else if (isTekst(element) && element.value.trim() === waarde) {
        element.value = "";
        gevonden = true;
      }
    });
    return gevonden;
  }

  function initChips() {
    document.addEventListener("click", function (event) {
      var chip = event.target.closest && event.target.closest("a.chip[data-veld]");
      var form = chip && document.getElementById(chip.getAttribute("data-form") || "filters");
      if (!form || !form.hasAttribute("data-auto")) {
        return;
      }
      if (verwijderUitFormulier(form, chip.getAttribute("data-veld"), chip.getAttribute("data-waarde"))) {
        event.preventDefault();
        form.querySelectorAll(".keuze").forEach(telKeuze);
        pasToe(form);
      }
    });
  }

  function initFocus() {
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var bron = event.detail.requestConfig && event.detail.requestConfig.elt;
      var houder = bron && bron.closest && bron.closest("[data-focus]");
      var doel = houder && document.getElementById(houder.getAttribute("data-focus"));
      if (doel) {
        doel.focus();
      }
    });
    document.body.addEventListener("htmx:load", function (event) {
      initKeuzes(event.detail.elt);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initKeuzes(document);
    initAutoForms();
    initChips();
    initFocus();
  });
}());
