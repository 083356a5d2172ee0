// Årshjul – a little progressive enhancement: the pages work without it.
// Wheel marks: hover/focus shows title and date, click/Enter/Space opens the details (copied from the
// list under the wheel, which the server rendered and escaped). Copy-link buttons. Sortable tables.
(function () {
  'use strict'

  const live = function (text) {
    const region = document.getElementById('status-melding')
    if (!region) return
    region.textContent = ''
    window.setTimeout(function () { region.textContent = text }, 30)
  }

  // ---------------------------------------------------------------- copying links
  function copyText (text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text)
    return new Promise(function (resolve, reject) {
      const area = document.createElement('textarea')
      area.value = text
      area.setAttribute('readonly', '')
      area.className = 'visually-hidden'
      document.body.appendChild(area)
      area.select()
      let ok = false
      try { ok = document.execCommand('copy') } catch (e) { ok = false }
      document.body.removeChild(area)
      if (ok) resolve(); else reject(new Error('copy failed'))
    })
  }

  document.addEventListener('click', function (event) {
    const button = event.target.closest && event.target.closest('[data-copy]')
    if (!button) return
    event.preventDefault()
    const text = button.getAttribute('data-copy')
    const original = button.getAttribute('data-label') || button.textContent
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

  const printButton = document.querySelector('.print-button')
  if (printButton) {
    printButton.hidden = false
    printButton.addEventListener('click', function () { window.print() })
  }

  // ---------------------------------------------------------------- the wheel
  const stage = document.querySelector('.wheel-stage')
  if (stage) setUpWheel(stage)

  function setUpWheel (stage) {
    const svg = stage.querySelector('svg.wheel')
    const marksGroup = svg.querySelector('.marks')
    const tooltip = document.getElementById('wheel-tooltip')
    const popup = document.getElementById('wheel-popup')
    const popupTitle = document.getElementById('wheel-popup-title')
    const popupWhen = document.getElementById('wheel-popup-when')
    const popupBody = popup.querySelector('.popup-body')
    let selected = null
    // Where the legend starts in the drawing's own units (src/pages/wheel-view.ts).
    const LEGEND_X = Number(svg.getAttribute('data-legend-x')) || 1010

    function markOf (target) { return target && target.closest ? target.closest('.mark') : null }

    function place (box, mark, gap) {
      const s = stage.getBoundingClientRect()
      const m = mark.getBoundingClientRect()
      const x = m.left - s.left + m.width / 2
      const y = m.top - s.top + m.height / 2
      const w = box.offsetWidth
      const h = box.offsetHeight
      let left = x + gap
      if (left + w > s.width) left = Math.max(0, x - gap - w)
      const top = Math.min(Math.max(0, y - h / 2), Math.max(0, s.height - h))
      box.style.left = left + 'px'
      box.style.top = top + 'px'
    }

    // On a wide screen the details cover the legend, right of the wheel, so no mark is hidden; else next to the mark.
    function placeBesideWheel (box, mark) {
      const s = stage.getBoundingClientRect()
      const v = svg.getBoundingClientRect()
      const viewBox = svg.viewBox.baseVal
      const legendLeft = v.left - s.left + v.width * (LEGEND_X / viewBox.width)
      const room = s.width - legendLeft
      box.style.width = ''
      if (room < 300) return place(box, mark, 18)
      box.style.width = Math.min(room, 460) + 'px'
      const m = mark.getBoundingClientRect()
      const y = m.top - s.top + m.height / 2
      box.style.left = (s.width - box.offsetWidth) + 'px'
      box.style.top = Math.min(Math.max(0, y - box.offsetHeight / 2), Math.max(0, s.height - box.offsetHeight)) + 'px'
    }

    function showTip (mark) {
      tooltip.textContent = ''
      const strong = document.createElement('strong')
      strong.textContent = mark.getAttribute('data-title')
      const when = document.createElement('span')
      when.textContent = mark.getAttribute('data-when')
      tooltip.appendChild(strong)
      tooltip.appendChild(when)
      tooltip.hidden = false
      place(tooltip, mark, 14)
    }
    function hideTip () { tooltip.hidden = true }

    function open (mark) {
      const id = mark.getAttribute('data-occurrence-id')
      const item = document.getElementById('occ-' + id)
      if (selected) selected.classList.remove('selected')
      selected = mark
      mark.classList.add('selected')
      marksGroup.classList.add('dimmed')
      popupTitle.textContent = mark.getAttribute('data-title')
      popupWhen.textContent = mark.getAttribute('data-when')
      popupBody.textContent = ''
      const details = item && item.querySelector('.occ-details')
      if (details) popupBody.appendChild(details.cloneNode(true))
      const more = document.createElement('p')
      const link = document.createElement('a')
      link.href = '#occ-' + id
      link.textContent = 'Vis i listen'
      link.addEventListener('click', function () {
        close(false)
        if (item) {
          item.querySelector('details').open = true
          item.classList.remove('highlight')
          // Forcing a layout between removing and re-adding the class restarts the highlight animation.
          item.getBoundingClientRect()
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
      const mark = selected
      if (selected) selected.classList.remove('selected')
      selected = null
      if (restoreFocus && mark) mark.focus()
    }

    svg.addEventListener('mouseover', function (e) { const m = markOf(e.target); if (m && m !== selected) showTip(m) })
    svg.addEventListener('mouseout', function (e) { if (markOf(e.target)) hideTip() })
    svg.addEventListener('focusin', function (e) { const m = markOf(e.target); if (m) showTip(m) })
    svg.addEventListener('focusout', function (e) { if (markOf(e.target)) hideTip() })
    svg.addEventListener('click', function (e) {
      const m = markOf(e.target)
      if (m) open(m); else close(false)
    })
    svg.addEventListener('keydown', function (e) {
      const m = markOf(e.target)
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

  // ---------------------------------------------------------------- sortable tables (the columns with a data-sort-type)
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    const headers = table.tHead.rows[0].cells
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute('data-sort-type')) return
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'sort-button'
      while (th.firstChild) button.appendChild(th.firstChild)
      th.appendChild(button)
      button.addEventListener('click', function () {
        const ascending = th.getAttribute('aria-sort') !== 'ascending'
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort') })
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending')
        sortBy(table, index, th.getAttribute('data-sort-type') === 'number', ascending)
        live('Sortert etter ' + button.textContent.trim() + (ascending ? ', stigende' : ', synkende'))
      })
    })
  })

  function sortBy (table, index, numeric, ascending) {
    const body = table.tBodies[0]
    const rows = Array.prototype.slice.call(body.rows)
    const key = function (row) {
      const cell = row.cells[index]
      const v = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim()
      return numeric ? Number(v) : v
    }
    const collator = new Intl.Collator('nb', { numeric: true, sensitivity: 'base' })
    rows.map(function (row, i) { return { row, key: key(row), i } })
      .sort(function (a, b) {
        const c = numeric ? a.key - b.key : collator.compare(a.key, b.key)
        return (ascending ? c : -c) || a.i - b.i
      })
      .forEach(function (x) { body.appendChild(x.row) })
  }
})()
