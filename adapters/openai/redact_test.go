package openai

import "testing"

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain e-mail", "write to jane@example.com please", "write to [email] please"},
		{"tagged e-mail, subdomain", "jane.doe+cars@mail.example.co.uk.", "[email]."},
		{"not an e-mail", "ping @everyone at example dot com", "ping @everyone at example dot com"},
		{"NA dashes", "call 512-555-0142 today", "call [phone] today"},
		{"NA parentheses", "call (512) 555-0142", "call [phone]"},
		{"NA parentheses tight", "call (512)555-0142", "call [phone]"},
		{"NA dots", "512.555.0142", "[phone]"},
		{"NA spaces", "my cell 512 555 0142.", "my cell [phone]."},
		{"NA with 1", "1-800-555-0199 or 1 800 555 0199", "[phone] or [phone]"},
		{"NA bare ten digits", "text 5125550142 anytime", "text [phone] anytime"},
		{"NA plus one", "+1 512 555 0142", "[phone]"},
		{"NA plus one parentheses", "+1 (512) 555-0142", "[phone]"},
		{"UK", "ring +44 20 7946 0958 after six", "ring [phone] after six"},
		{"Germany with (0)", "+49 (0)30 1234567", "[phone]"},
		{"Germany compact", "+4915112345678", "[phone]"},
		{"France pairs", "+33 1 23 45 67 89", "[phone]"},
		{"India", "+91 98765 43210", "[phone]"},
		{"Australia dashes", "+61-2-9876-5432", "[phone]"},
		{"phone then year", "+44 20 7946 0958 2019 Model 3", "[phone] 2019 Model 3"},
		{"two phones", "512-555-0142, 512-555-0143", "[phone], [phone]"},
		{"VIN", "VIN 5YJ3E1EA2KF317000", "VIN 5YJ3E1EA2KF317000"},
		{"VIN with long digit tail", "1HGCM82633A004352", "1HGCM82633A004352"},
		{"digit-heavy VIN", "VIN 12345678901234567", "VIN 12345678901234567"},
		{"year", "bought in 2021, a 2019 Model 3", "bought in 2021, a 2019 Model 3"},
		{"odometer", "45,000 mi, 72 000 km, 123456 km", "45,000 mi, 72 000 km, 123456 km"},
		{"ticket", "ticket SR-20931 and SR-2125550142", "ticket SR-20931 and SR-2125550142"},
		{"case number", "case #5125550142, order RN123456789", "case #5125550142, order RN123456789"},
		{"date", "since 2024-03-15 and 03/15/2024", "since 2024-03-15 and 03/15/2024"},
		{"short number", "+1 555", "+1 555"},
		{"amount", "charged $1,234.56 twice", "charged $1,234.56 twice"},
		{"labelled serial", "serial 1234567890, order no. 51255501422", "serial 1234567890, order no. 51255501422"},
		{"UK London", "ring 020 7946 0958 after six", "ring [phone] after six"},
		{"UK mobile", "mobile 07700 900123.", "mobile [phone]."},
		{"France pairs national", "06 12 34 56 78", "[phone]"},
		{"00 prefix", "0044 20 7946 0958", "[phone]"},
		{"en dashes", "512–555–0142", "[phone]"},
		{"no-break spaces", "+1 512 555 0142 now", "[phone] now"},
		{"extension", "512-555-0142x12 or 512-555-0143 ext. 7", "[phone] or [phone]"},
		{"glued to a word", "call5125550142", "call[phone]"},
		{"bare digits", "text 1234567890 anytime", "text [phone] anytime"},
		{"slashes", "0171/1234567", "[phone]"},
		{"Unicode e-mail", "jürgen@müller.de", "[email]"},
		{"fullwidth at", "jane＠example.com", "[email]"},
		{"spaced at", "jane.doe @ example.com", "[email]"},
		{"neutralized at", "jane@\u200bhere.com", "[email]"},
		{"spaced odometer", "72 000 km or 123 456 78 km", "72 000 km or 123 456 78 km"},
		{"years in a row", "2019 2020 2021", "2019 2020 2021"},
		{"date range", "2024-03-15 2024-04-01", "2024-03-15 2024-04-01"},
		{"VIN then odometer", "5YJ3E1EA2KF317000 45000 mi", "5YJ3E1EA2KF317000 45000 mi"},
		{"lower-case VIN", "vin 5yj3e1ea2kf317000", "vin 5yj3e1ea2kf317000"},
		{"16 digits cut at a group", "1111-2222-3333-4444-5555", "[phone]-4444-5555"},
		{"eight digits after x are a number, not an extension", "01000000 x01000000", "[phone] x[phone]"},
		{"extension", "(512) 555-0142 x123", "[phone]"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"+44 20 7946 0958", "a@b.co", "(512) 555-0142", "5YJ3E1EA2KF317000", "ü+1 2", "1111-2222-3333-4444-5555", "call5125550142", "jane＠example.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if Redact(out) != out {
			t.Errorf("not idempotent: %q -> %q -> %q", s, out, Redact(out))
		}
	})
}

func TestClean(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "The car will not charge.", "The car will not charge."},
		{"broadcast", "@everyone look", "@\u200beveryone look"},
		{"slack special", "<!here> now", "<\u200b!here> now"},
		{"user mention", "ask <@U024BE7LH>", "ask <\u200b@U024BE7LH>"},
		{"slack link with label", "see <https://x.example/a|the form>", "see the form"},
		{"slack link without label", "see <https://x.example/a>", "see [link]"},
		{"slack mailto", "<mailto:a@b.example|mail us>", "mail us"},
		{"label that is a URL", "<https://evil.example|https://good.example>", "[link]"},
		{"markdown link", "see [the form](https://x.example/a)", "see the form"},
		{"bare URL", "go to https://x.example/a?b=c now", "go to [link] now"},
		{"www", "go to www.x.example/a", "go to [link]"},
		{"control characters", "a\x00b\x1bc\u2028d\ne", "abcd\ne"},
		{"format characters", "a\u200bb\u202ec\u2066d\ufeffe\u00adf", "abcdef"},
		{"URL glued to an underscore", "_https://evil.example/login_", "_[link]"},
		{"URL glued to a digit", "1https://evil.example", "1[link]"},
		{"www glued to a word", "seewww.evil.example", "see[link]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := clean(tc.in); got != tc.want {
				t.Errorf("clean(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}
