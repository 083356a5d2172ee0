// Årshjul – a little progressive enhancement: the pages work without it.
// Wheel marks: hover/focus shows title and date, click/Enter/Space opens the details (copied from the
// list under the wheel, which the server rendered and escaped). Copy-link buttons. Sortable tables.
(function () {
  'use strict'

  var live = function (text) {
    var region = document.getElementById('status-melding')
    if (!region) return
    region.textContent = ''
    window.setTimeout(function () { region.textContent = text }, 30)
  }

  // ---------------------------------------------------------------- copying links
  function copyText (text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text)
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea')
      area.value = text
      area.setAttribute('readonly', '')
      area.className = 'visually-hidden'
      document.body.appendChild(area)
      area.select()
      var ok = false
      try { ok = document.execCommand('copy') } catch (e) { ok = false }
      document.body.removeChild(area)
      if (ok) resolve(); else reject(new Error('copy failed'))
    })
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-copy]')
    if (!button) return
    event.preventDefault()
    var text = button.getAttribute('data-copy')
    var original = button.getAttribute('data-label') || button.textContent
    button.setAttribute('data-label', original)
    copyText(text).then(function () {
      button.textContent = 'Kopiert!'
      button.classList.add('copied')
      live('Lenken er kopiert.')
    }, function () {
      window.prompt('Kopier lenken:', text)
    }).then(function () {
      window.setTimeout(function () { button.textContent = original; button.classList.remove('copied') }, 2500)
    })
  })

  var printButton = document.querySelector('.print-button')
  if (printButton) {
    printButton.hidden = false
    printButton.addEventListener('click', function () { window.print() })
  }

  // ---------------------------------------------------------------- the wheel
  var stage = document.querySelector('.wheel-stage')
  if (stage) setUpWheel(stage)

  function setUpWheel (stage) {
    var svg = stage.querySelector('svg.wheel')
    var marksGroup = svg.querySelector('.marks')
    var tooltip = document.getElementById('wheel-tooltip')
    var popup = document.getElementById('wheel-popup')
    var popupTitle = document.getElementById('wheel-popup-title')
    var popupWhen = document.getElementById('wheel-popup-when')
    var popupBody = popup.querySelector('.popup-body')
    var selected = null
    // Where the legend starts in the drawing's own units (src/pages/wheel-view.ts).
    var LEGEND_X = Number(svg.getAttribute('data-legend-x')) || 1010

    function markOf (target) { return target && target.closest ? target.closest('.mark') : null }

    function place (box, mark, gap) {
      var s = stage.getBoundingClientRect()
      var m = mark.getBoundingClientRect()
      var x = m.left - s.left + m.width / 2
      var y = m.top - s.top + m.height / 2
      var w = box.offsetWidth
      var h = box.offsetHeight
      var left = x + gap
      if (left + w > s.width) left = Math.max(0, x - gap - w)
      var top = Math.min(Math.max(0, y - h / 2), Math.max(0, s.height - h))
      box.style.left = left + 'px'
      box.style.top = top + 'px'
    }

    // On a wide screen the details cover the legend, right of the wheel, so no mark is hidden; else next to the mark.
    function placeBesideWheel (box, mark) {
      var s = stage.getBoundingClientRect()
      var v = svg.getBoundingClientRect()
      var viewBox = svg.viewBox.baseVal
      var legendLeft = v.left - s.left + v.width * (LEGEND_X / viewBox.width)
      var room = s.width - legendLeft
      box.style.width = ''
      if (room < 300) return place(box, mark, 18)
      box.style.width = Math.min(room, 460) + 'px'
      var m = mark.getBoundingClientRect()
      var y = m.top - s.top + m.height / 2
      box.style.left = (s.width - box.offsetWidth) + 'px'
      box.style.top = Math.min(Math.max(0, y - box.offsetHeight / 2), Math.max(0, s.height - box.offsetHeight)) + 'px'
    }

    function showTip (mark) {
      tooltip.textContent = ''
      var strong = document.createElement('strong')
      strong.textContent = mark.getAttribute('data-title')
      var when = document.createElement('span')
      when.textContent = mark.getAttribute('data-when')
      tooltip.appendChild(strong)
      tooltip.appendChild(when)
      tooltip.hidden = false
      place(tooltip, mark, 14)
    }
    function hideTip () { tooltip.hidden = true }

    function open (mark) {
      var id = mark.getAttribute('data-occurrence-id')
      var item = document.getElementById('occ-' + id)
      if (selected) selected.classList.remove('selected')
      selected = mark
      mark.classList.add('selected')
      marksGroup.classList.add('dimmed')
      popupTitle.textContent = mark.getAttribute('data-title')
      popupWhen.textContent = mark.getAttribute('data-when')
      popupBody.textContent = ''
      var details = item && item.querySelector('.occ-details')
      if (details) popupBody.appendChild(details.cloneNode(true))
      var more = document.createElement('p')
      var link = document.createElement('a')
      link.href = '#occ-' + id
      link.textContent = 'Vis i listen'
      link.addEventListener('click', function () {
        close(false)
        if (item) {
          item.querySelector('details').open = true
          item.classList.remove('highlight')
          void item.offsetWidth
          item.classList.add('highlight')
        }
      })
      more.appendChild(link)
      popupBody.appendChild(more)
      popup.hidden = false
      hideTip()
      placeBesideWheel(popup, mark)
      popupTitle.focus({ preventScroll: true })
    }

    function close (restoreFocus) {
      if (popup.hidden) return
      popup.hidden = true
      marksGroup.classList.remove('dimmed')
      var mark = selected
      if (selected) selected.classList.remove('selected')
      selected = null
      if (restoreFocus && mark) mark.focus()
    }

    svg.addEventListener('mouseover', function (e) { var m = markOf(e.target); if (m && m !== selected) showTip(m) })
    svg.addEventListener('mouseout', function (e) { if (markOf(e.target)) hideTip() })
    svg.addEventListener('focusin', function (e) { var m = markOf(e.target); if (m) showTip(m) })
    svg.addEventListener('focusout', function (e) { if (markOf(e.target)) hideTip() })
    svg.addEventListener('click', function (e) {
      var m = markOf(e.target)
      if (m) open(m); else close(false)
    })
    svg.addEventListener('keydown', function (e) {
      var m = markOf(e.target)
      if (m && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); open(m) }
    })
    popup.querySelector('.popup-close').addEventListener('click', function () { close(true) })
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { hideTip(); close(true) }
    })
    document.addEventListener('click', function (e) {
      if (!popup.hidden && !popup.contains(e.target) && !svg.contains(e.target)) close(false)
    })
  }

  // ---------------------------------------------------------------- sortable tables
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var headers = table.tHead.rows[0].cells
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement('button')
      button.type = 'button'
      button.className = 'sort-button'
      while (th.firstChild) button.appendChild(th.firstChild)
      th.appendChild(button)
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending'
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort') })
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending')
        sortBy(table, index, th.getAttribute('data-sort-type') === 'number', ascending)
        live('Sortert etter ' + button.textContent.trim() + (ascending ? ', stigende' : ', synkende'))
      })
    })
  })

  function sortBy (table, index, numeric, ascending) {
    var body = table.tBodies[0]
    var rows = Array.prototype.slice.call(body.rows)
    var key = function (row) {
      var cell = row.cells[index]
      var v = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim()
      return numeric ? Number(v) : v
    }
    var collator = new Intl.Collator('nb', { numeric: true, sensitivity: 'base' })
    rows.map(function (row, i) { return { row: row, key: key(row), i: i } })
      .sort(function (a, b) {
        var c = numeric ? a.key - b.key : collator.compare(a.key, b.key)
        return (ascending ? c : -c) || a.i - b.i
      })
      .forEach(function (x) { body.appendChild(x.row) })
  }
})()
