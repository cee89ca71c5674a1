// The login link's URL carried a single-use token: replace() drops that URL from the history, and the navigation
// starts from this same-site page, so the browser sends the SameSite=Strict dashboard cookie with it.
window.location.replace('/.portcullis/');
