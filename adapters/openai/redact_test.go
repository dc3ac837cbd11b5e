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
		{"not a plan number", "serial 1234567890", "serial 1234567890"},
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
	for _, s := range []string{"+44 20 7946 0958", "a@b.co", "(512) 555-0142", "5YJ3E1EA2KF317000", "ü+1 2"} {
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := clean(tc.in); got != tc.want {
				t.Errorf("clean(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}
