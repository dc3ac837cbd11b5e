package bot

// laterTexts are the core's sentences to an owner after submission: the news of their case, the
// questions about its resolution, the answers to what they write. They are in the language the
// owner's intake spoke (Case.Language).
type laterTexts struct {
	Claimed, ResolvedBy, ResolvedThanks, ResolvedAsk, Solved, Unsolved, Closed, Reopened text
	ExecWrote, Escalated, Added, AfterHours, StatusIs, StatusWrite                       text
	Waiting, HandledBy, Resolved, Ended                                                  text
	WithAgain, NothingToConfirm, Late, ConfirmedAlready, AskRating, Sorry                text
	RatedAlready, Rated, CommentThanks, Changed, ChangedRating, Poor, Excellent          text
	Cooldown                                                                             text
}

var later = laterTexts{
	Claimed: text{
		en: "Good news: an executive, %s, is now looking at your case %s. They will write to you here.",
		de: "Gute Nachricht: Eine Führungskraft, %s, kümmert sich jetzt um Ihren Fall %s und schreibt Ihnen hier.",
		fr: "Bonne nouvelle : un membre de la direction, %s, s'occupe maintenant de votre dossier %s et vous écrira ici.",
		es: "Buenas noticias: un directivo, %s, se ocupa ahora de su caso %s y le escribirá aquí.",
	},
	ResolvedBy: text{
		en: "Your case %s has been resolved by %s:\n%s",
		de: "Ihr Fall %s wurde von %s gelöst:\n%s",
		fr: "Votre dossier %s a été résolu par %s :\n%s",
		es: "Su caso %s ha sido resuelto por %s:\n%s",
	},
	ResolvedThanks: text{
		en: "\n\nThank you for your patience. If the problem comes back, write here to open a new case.",
		de: "\n\nDanke für Ihre Geduld. Wenn das Problem wiederkommt, schreiben Sie hier, um einen neuen Fall zu eröffnen.",
		fr: "\n\nMerci de votre patience. Si le problème revient, écrivez ici pour ouvrir un nouveau dossier.",
		es: "\n\nGracias por su paciencia. Si el problema vuelve, escriba aquí para abrir un caso nuevo.",
	},
	ResolvedAsk: text{
		en: "\n\nIs the problem solved for you?",
		de: "\n\nIst das Problem für Sie gelöst?",
		fr: "\n\nLe problème est-il résolu pour vous ?",
		es: "\n\n¿Está resuelto el problema para usted?",
	},
	Solved:   text{en: "Yes, it's solved", de: "Ja, es ist gelöst", fr: "Oui, c'est résolu", es: "Sí, está resuelto"},
	Unsolved: text{en: "No, it's still a problem", de: "Nein, das Problem besteht weiter", fr: "Non, le problème persiste", es: "No, el problema sigue"},
	Closed: text{
		en: "Your case %s has been closed: %s",
		de: "Ihr Fall %s wurde geschlossen: %s",
		fr: "Votre dossier %s a été clos : %s",
		es: "Su caso %s se ha cerrado: %s",
	},
	Reopened: text{
		en: "Your case %s has been reopened; the team will be in touch here.",
		de: "Ihr Fall %s wurde wieder geöffnet; das Team meldet sich hier bei Ihnen.",
		fr: "Votre dossier %s a été rouvert ; l'équipe vous contactera ici.",
		es: "Su caso %s se ha reabierto; el equipo se pondrá en contacto aquí.",
	},
	ExecWrote: text{en: "%s (about %s):\n%s", de: "%s (zu %s):\n%s", fr: "%s (au sujet de %s) :\n%s", es: "%s (sobre %s):\n%s"},
	Escalated: text{
		en: "Your case %s has not been picked up yet, so it has gone higher: more executives now see it. You will hear here as soon as one of them takes it.",
		de: "Ihr Fall %s wurde noch nicht übernommen und ist deshalb eine Stufe höher gegangen: Mehr Führungskräfte sehen ihn jetzt. Sie erfahren hier, sobald jemand ihn übernimmt.",
		fr: "Votre dossier %s n'a pas encore été pris en charge, il est donc remonté d'un niveau : davantage de membres de la direction le voient. Vous serez informé ici dès que l'un d'eux le prend.",
		es: "Su caso %s aún no se ha asignado, así que ha subido de nivel: ahora lo ven más directivos. Le avisaremos aquí en cuanto uno de ellos lo tome.",
	},
	Added:       text{en: "Added to your case %s.", de: "Zu Ihrem Fall %s hinzugefügt.", fr: "Ajouté à votre dossier %s.", es: "Añadido a su caso %s."},
	AfterHours:  text{en: "Our executive team works %s; expect an answer from %s.", de: "Unser Team arbeitet %s; rechnen Sie mit einer Antwort ab %s.", fr: "Notre équipe travaille %s ; attendez-vous à une réponse à partir du %s.", es: "Nuestro equipo trabaja %s; espere una respuesta a partir del %s."},
	StatusIs:    text{en: "Your case %s is %s.", de: "Ihr Fall %s: %s.", fr: "Votre dossier %s : %s.", es: "Su caso %s: %s."},
	StatusWrite: text{en: "Your case %s is %s. Write here to add anything to it.", de: "Ihr Fall %s: %s. Schreiben Sie hier, um etwas hinzuzufügen.", fr: "Votre dossier %s : %s. Écrivez ici pour le compléter.", es: "Su caso %s: %s. Escriba aquí para añadir algo."},
	Waiting:     text{en: "waiting for an executive to pick it up", de: "wartet darauf, dass eine Führungskraft ihn übernimmt", fr: "en attente d'un membre de la direction", es: "esperando a que un directivo lo tome"},
	HandledBy:   text{en: "being handled by %s", de: "wird von %s bearbeitet", fr: "pris en charge par %s", es: "lo lleva %s"},
	Resolved:    text{en: "resolved", de: "gelöst", fr: "résolu", es: "resuelto"},
	Ended:       text{en: "closed", de: "geschlossen", fr: "clos", es: "cerrado"},
	WithAgain: text{
		en: "%s is with %s again; they will be in touch here.",
		de: "%s liegt wieder bei %s, der sich hier bei Ihnen meldet.",
		fr: "%s est de nouveau chez %s, qui vous contactera ici.",
		es: "%s vuelve a estar con %s, que se pondrá en contacto aquí.",
	},
	NothingToConfirm: text{
		en: "%s has no resolution to confirm now.",
		de: "Zu %s gibt es gerade keine Lösung zu bestätigen.",
		fr: "%s n'a pas de résolution à confirmer pour l'instant.",
		es: "%s no tiene ahora ninguna resolución que confirmar.",
	},
	Late: text{
		en: "%s was resolved a while ago. If the problem is back, write here to open a new case.",
		de: "%s wurde vor einiger Zeit gelöst. Wenn das Problem wieder da ist, schreiben Sie hier, um einen neuen Fall zu eröffnen.",
		fr: "%s a été résolu il y a un moment. Si le problème est revenu, écrivez ici pour ouvrir un nouveau dossier.",
		es: "%s se resolvió hace un tiempo. Si el problema ha vuelto, escriba aquí para abrir un caso nuevo.",
	},
	ConfirmedAlready: text{en: "You confirmed %s is solved. Thank you!", de: "Sie haben bestätigt, dass %s gelöst ist. Danke!", fr: "Vous avez confirmé que %s est résolu. Merci !", es: "Ha confirmado que %s está resuelto. ¡Gracias!"},
	AskRating: text{
		en: "Glad to hear it. How would you rate the way we handled it, from 1 (poor) to 5 (excellent)?",
		de: "Das freut uns. Wie bewerten Sie, wie wir es gelöst haben, von 1 (schlecht) bis 5 (ausgezeichnet)?",
		fr: "Ravis de l'apprendre. Comment évaluez-vous notre façon de le traiter, de 1 (mauvais) à 5 (excellent) ?",
		es: "Nos alegra. ¿Cómo valora la forma en que lo llevamos, de 1 (mal) a 5 (excelente)?",
	},
	Sorry: text{
		en: "I am sorry it is not solved. %s is back with %s, who will be in touch here. Write here to add anything.",
		de: "Es tut mir leid, dass es nicht gelöst ist. %s liegt wieder bei %s, der sich hier bei Ihnen meldet. Schreiben Sie hier, um etwas hinzuzufügen.",
		fr: "Je suis désolé que ce ne soit pas résolu. %s est de nouveau chez %s, qui vous contactera ici. Écrivez ici pour ajouter quelque chose.",
		es: "Siento que no esté resuelto. %s vuelve a estar con %s, que se pondrá en contacto aquí. Escriba aquí para añadir algo.",
	},
	RatedAlready: text{en: "You rated %s %d of 5. Thank you!", de: "Sie haben %s mit %d von 5 bewertet. Danke!", fr: "Vous avez noté %s %d sur 5. Merci !", es: "Ha valorado %s con %d de 5. ¡Gracias!"},
	Rated: text{
		en: "Thank you for rating %s %d of 5. If you want to add a few words, write them now; they go to the team.",
		de: "Danke, dass Sie %s mit %d von 5 bewertet haben. Wenn Sie ein paar Worte hinzufügen möchten, schreiben Sie sie jetzt; sie gehen an das Team.",
		fr: "Merci d'avoir noté %s %d sur 5. Si vous voulez ajouter quelques mots, écrivez-les maintenant ; ils seront transmis à l'équipe.",
		es: "Gracias por valorar %s con %d de 5. Si quiere añadir unas palabras, escríbalas ahora; llegan al equipo.",
	},
	CommentThanks: text{en: "Thank you, I passed that on to the team.", de: "Danke, ich habe das an das Team weitergegeben.", fr: "Merci, je l'ai transmis à l'équipe.", es: "Gracias, se lo he pasado al equipo."},
	Changed:       text{en: "%s has changed meanwhile; there is nothing to confirm.", de: "%s hat sich inzwischen geändert; es gibt nichts zu bestätigen.", fr: "%s a changé entre-temps ; il n'y a rien à confirmer.", es: "%s ha cambiado entretanto; no hay nada que confirmar."},
	ChangedRating: text{en: "%s has changed meanwhile; the rating was not kept.", de: "%s hat sich inzwischen geändert; die Bewertung wurde nicht gespeichert.", fr: "%s a changé entre-temps ; la note n'a pas été gardée.", es: "%s ha cambiado entretanto; la valoración no se ha guardado."},
	Poor:          text{en: "1 poor", de: "1 schlecht", fr: "1 mauvais", es: "1 mal"},
	Excellent:     text{en: "5 excellent", de: "5 ausgezeichnet", fr: "5 excellent", es: "5 excelente"},
	Cooldown: text{
		en: "Your case %s ended lately. This line takes a new case from you from %s; until then your regular service channels are open to you.",
		de: "Ihr Fall %s wurde vor kurzem abgeschlossen. Einen neuen Fall nimmt diese Linie ab %s an; bis dahin stehen Ihnen die üblichen Servicekanäle offen.",
		fr: "Votre dossier %s vient de se terminer. Cette ligne accepte un nouveau dossier de votre part à partir du %s ; d'ici là, vos canaux de service habituels restent ouverts.",
		es: "Su caso %s terminó hace poco. Esta línea acepta un caso nuevo suyo a partir del %s; hasta entonces, sus canales de servicio habituales siguen abiertos.",
	},
}
