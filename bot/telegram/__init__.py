"""The Telegram adapter: Update → Event → engine → Outcome → Bot API calls.

Only this package and `bot/app.py` import `telegram`. `events` reads updates, `delivery` (with
`keyboards`, `texts`, `sending`) tells outcomes, `handlers` joins them for PTB, `processor`
keeps each chat in order, `menu` and `logs` do what their names say. `courier` and `files`
serve the broadcast worker and exports.
"""
