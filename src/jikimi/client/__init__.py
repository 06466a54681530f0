"""Reference clients: the victim's phone, as the Android app will behave."""
