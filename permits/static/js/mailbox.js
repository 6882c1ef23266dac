// The local mailbox (/dev/mailbox): new mail appears as it arrives.
// Progressive enhancement: without JavaScript the page is a plain list that
// a reload refreshes. Every few seconds the same page is fetched and its
// rows replace ours when they changed; the status line announces new mail.

const POLL_MS = 4000

const table = document.getElementById('mailbox-table')
const status = document.getElementById('mailbox-status')

const names = (root) => Array.from(root.querySelectorAll('tr[data-mail]'), (row) => row.dataset.mail)

async function refresh () {
  if (document.hidden) return
  try {
    const response = await fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
    if (!response.ok) return
    const page = new DOMParser().parseFromString(await response.text(), 'text/html')
    const freshRows = page.getElementById('mailbox-rows')
    const freshTable = page.getElementById('mailbox-table')
    if (!freshRows || !freshTable) return
    const rows = document.getElementById('mailbox-rows')
    const known = new Set(names(rows))
    const added = names(freshRows).filter((name) => !known.has(name))
    if (!added.length) return
    rows.replaceWith(document.importNode(freshRows, true))
    const caption = table.querySelector('caption')
    const freshCaption = freshTable.querySelector('caption')
    if (caption && freshCaption) caption.textContent = freshCaption.textContent
    const current = document.getElementById('mailbox-rows')
    for (const name of added) {
      const row = current.querySelector(`tr[data-mail="${CSS.escape(name)}"]`)
      if (row) row.classList.add('app-mailbox__row--new')
    }
    status.textContent = `${status.dataset.liveLabel}: ${added.length}`
  } catch (error) {
    // The server is restarting or offline: try again at the next tick.
  }
}

if (document.getElementById('mailbox-rows') && table && status) {
  window.setInterval(refresh, POLL_MS)
}
