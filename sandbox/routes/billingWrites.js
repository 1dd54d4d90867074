'use strict';
// placeholder
function register() {}
module.exports = { register };
