// The search page's one script, a file rather than inline so the Content-Security-Policy
// can forbid inline script. PagefindUI comes from /pagefind/pagefind-ui.js, loaded before it.
const ui = new PagefindUI({ element: '#search', showSubResults: true, showImages: false });
// Pagefind names its box only by a title attribute, which is not a dependable label.
document.querySelector('#search .pagefind-ui__search-input')?.setAttribute('aria-label', 'Search posts');
// A search sent from the header box arrives as ?q=…; run it so results show at once.
const query = new URLSearchParams(location.search).get('q');
if (query) ui.triggerSearch(query);
