// n8n loads this package through the "n8n" section of package.json; this entry only exists so
// that `require('n8n-nodes-athenahealth')` resolves to something meaningful.
module.exports = {};
