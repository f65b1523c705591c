// Progressive enhancement for GOV.UK Frontend components. Load with
// <script type="module" src="{% static 'js/init.mjs' %}"></script>
// (a file, not inline, so the Content-Security-Policy needs no 'unsafe-inline').
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()
