// Reviewers' dashboard: "Add another condition" without a round trip.
// Without JavaScript the button posts the form and the server adds a box.

const button = document.querySelector('[data-add-condition]')
const list = document.querySelector('[data-conditions-list]')

if (button && list) {
  button.addEventListener('click', (event) => {
    const items = list.querySelectorAll('[data-condition]')
    if (items.length >= 20) return
    event.preventDefault()
    const last = items[items.length - 1]
    const copy = last.cloneNode(true)
    const index = items.length
    const input = copy.querySelector('input')
    const label = copy.querySelector('label')
    input.id = `conditions-${index}`
    input.name = `conditions-${index}`
    input.value = ''
    label.htmlFor = input.id
    label.textContent = label.textContent.replace(/\d+/, String(index + 1))
    list.appendChild(copy)
    input.focus()
  })
}
