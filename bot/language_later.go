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
		En: "Good news: an executive, %s, is now looking at your case %s. They will write to you here.",
		De: "Gute Nachricht: Eine Führungskraft, %s, kümmert sich jetzt um Ihren Fall %s und schreibt Ihnen hier.",
		Fr: "Bonne nouvelle : un membre de la direction, %s, s'occupe maintenant de votre dossier %s et vous écrira ici.",
		Es: "Buenas noticias: un directivo, %s, se ocupa ahora de su caso %s y le escribirá aquí.",
	},
	ResolvedBy: text{
		En: "Your case %s has been resolved by %s:\n%s",
		De: "Ihr Fall %s wurde von %s gelöst:\n%s",
		Fr: "Votre dossier %s a été résolu par %s :\n%s",
		Es: "Su caso %s ha sido resuelto por %s:\n%s",
	},
	ResolvedThanks: text{
		En: "\n\nThank you for your patience. If the problem comes back, write here to open a new case.",
		De: "\n\nDanke für Ihre Geduld. Wenn das Problem wiederkommt, schreiben Sie hier, um einen neuen Fall zu eröffnen.",
		Fr: "\n\nMerci de votre patience. Si le problème revient, écrivez ici pour ouvrir un nouveau dossier.",
		Es: "\n\nGracias por su paciencia. Si el problema vuelve, escriba aquí para abrir un caso nuevo.",
	},
	ResolvedAsk: text{
		En: "\n\nIs the problem solved for you?",
		De: "\n\nIst das Problem für Sie gelöst?",
		Fr: "\n\nLe problème est-il résolu pour vous ?",
		Es: "\n\n¿Está resuelto el problema para usted?",
	},
	Solved:   text{En: "Yes, it's solved", De: "Ja, es ist gelöst", Fr: "Oui, c'est résolu", Es: "Sí, está resuelto"},
	Unsolved: text{En: "No, it's still a problem", De: "Nein, das Problem besteht weiter", Fr: "Non, le problème persiste", Es: "No, el problema sigue"},
	Closed: text{
		En: "Your case %s has been closed: %s",
		De: "Ihr Fall %s wurde geschlossen: %s",
		Fr: "Votre dossier %s a été clos : %s",
		Es: "Su caso %s se ha cerrado: %s",
	},
	Reopened: text{
		En: "Your case %s has been reopened; the team will be in touch here.",
		De: "Ihr Fall %s wurde wieder geöffnet; das Team meldet sich hier bei Ihnen.",
		Fr: "Votre dossier %s a été rouvert ; l'équipe vous contactera ici.",
		Es: "Su caso %s se ha reabierto; el equipo se pondrá en contacto aquí.",
	},
	ExecWrote: text{En: "%s (about %s):\n%s", De: "%s (zu %s):\n%s", Fr: "%s (au sujet de %s) :\n%s", Es: "%s (sobre %s):\n%s"},
	Escalated: text{
		En: "Your case %s has not been picked up yet, so it has gone higher: more executives now see it. You will hear here as soon as one of them takes it.",
		De: "Ihr Fall %s wurde noch nicht übernommen und ist deshalb eine Stufe höher gegangen: Mehr Führungskräfte sehen ihn jetzt. Sie erfahren hier, sobald jemand ihn übernimmt.",
		Fr: "Votre dossier %s n'a pas encore été pris en charge, il est donc remonté d'un niveau : davantage de membres de la direction le voient. Vous serez informé ici dès que l'un d'eux le prend.",
		Es: "Su caso %s aún no se ha asignado, así que ha subido de nivel: ahora lo ven más directivos. Le avisaremos aquí en cuanto uno de ellos lo tome.",
	},
	Added:       text{En: "Added to your case %s.", De: "Zu Ihrem Fall %s hinzugefügt.", Fr: "Ajouté à votre dossier %s.", Es: "Añadido a su caso %s."},
	AfterHours:  text{En: "Our executive team works %s; expect an answer from %s.", De: "Unser Team arbeitet %s; rechnen Sie mit einer Antwort ab %s.", Fr: "Notre équipe travaille %s ; attendez-vous à une réponse à partir du %s.", Es: "Nuestro equipo trabaja %s; espere una respuesta a partir del %s."},
	StatusIs:    text{En: "Your case %s is %s.", De: "Ihr Fall %s: %s.", Fr: "Votre dossier %s : %s.", Es: "Su caso %s: %s."},
	StatusWrite: text{En: "Your case %s is %s. Write here to add anything to it.", De: "Ihr Fall %s: %s. Schreiben Sie hier, um etwas hinzuzufügen.", Fr: "Votre dossier %s : %s. Écrivez ici pour le compléter.", Es: "Su caso %s: %s. Escriba aquí para añadir algo."},
	Waiting:     text{En: "waiting for an executive to pick it up", De: "wartet darauf, dass eine Führungskraft ihn übernimmt", Fr: "en attente d'un membre de la direction", Es: "esperando a que un directivo lo tome"},
	HandledBy:   text{En: "being handled by %s", De: "wird von %s bearbeitet", Fr: "pris en charge par %s", Es: "lo lleva %s"},
	Resolved:    text{En: "resolved", De: "gelöst", Fr: "résolu", Es: "resuelto"},
	Ended:       text{En: "closed", De: "geschlossen", Fr: "clos", Es: "cerrado"},
	WithAgain: text{
		En: "%s is with %s again; they will be in touch here.",
		De: "%s liegt wieder bei %s, der sich hier bei Ihnen meldet.",
		Fr: "%s est de nouveau chez %s, qui vous contactera ici.",
		Es: "%s vuelve a estar con %s, que se pondrá en contacto aquí.",
	},
	NothingToConfirm: text{
		En: "%s has no resolution to confirm now.",
		De: "Zu %s gibt es gerade keine Lösung zu bestätigen.",
		Fr: "%s n'a pas de résolution à confirmer pour l'instant.",
		Es: "%s no tiene ahora ninguna resolución que confirmar.",
	},
	Late: text{
		En: "%s was resolved a while ago. If the problem is back, write here to open a new case.",
		De: "%s wurde vor einiger Zeit gelöst. Wenn das Problem wieder da ist, schreiben Sie hier, um einen neuen Fall zu eröffnen.",
		Fr: "%s a été résolu il y a un moment. Si le problème est revenu, écrivez ici pour ouvrir un nouveau dossier.",
		Es: "%s se resolvió hace un tiempo. Si el problema ha vuelto, escriba aquí para abrir un caso nuevo.",
	},
	ConfirmedAlready: text{En: "You confirmed %s is solved. Thank you!", De: "Sie haben bestätigt, dass %s gelöst ist. Danke!", Fr: "Vous avez confirmé que %s est résolu. Merci !", Es: "Ha confirmado que %s está resuelto. ¡Gracias!"},
	AskRating: text{
		En: "Glad to hear it. How would you rate the way we handled it, from 1 (poor) to 5 (excellent)?",
		De: "Das freut uns. Wie bewerten Sie, wie wir es gelöst haben, von 1 (schlecht) bis 5 (ausgezeichnet)?",
		Fr: "Ravis de l'apprendre. Comment évaluez-vous notre façon de le traiter, de 1 (mauvais) à 5 (excellent) ?",
		Es: "Nos alegra. ¿Cómo valora la forma en que lo llevamos, de 1 (mal) a 5 (excelente)?",
	},
	Sorry: text{
		En: "I am sorry it is not solved. %s is back with %s, who will be in touch here. Write here to add anything.",
		De: "Es tut mir leid, dass es nicht gelöst ist. %s liegt wieder bei %s, der sich hier bei Ihnen meldet. Schreiben Sie hier, um etwas hinzuzufügen.",
		Fr: "Je suis désolé que ce ne soit pas résolu. %s est de nouveau chez %s, qui vous contactera ici. Écrivez ici pour ajouter quelque chose.",
		Es: "Siento que no esté resuelto. %s vuelve a estar con %s, que se pondrá en contacto aquí. Escriba aquí para añadir algo.",
	},
	RatedAlready: text{En: "You rated %s %d of 5. Thank you!", De: "Sie haben %s mit %d von 5 bewertet. Danke!", Fr: "Vous avez noté %s %d sur 5. Merci !", Es: "Ha valorado %s con %d de 5. ¡Gracias!"},
	Rated: text{
		En: "Thank you for rating %s %d of 5. If you want to add a few words, write them now; they go to the team.",
		De: "Danke, dass Sie %s mit %d von 5 bewertet haben. Wenn Sie ein paar Worte hinzufügen möchten, schreiben Sie sie jetzt; sie gehen an das Team.",
		Fr: "Merci d'avoir noté %s %d sur 5. Si vous voulez ajouter quelques mots, écrivez-les maintenant ; ils seront transmis à l'équipe.",
		Es: "Gracias por valorar %s con %d de 5. Si quiere añadir unas palabras, escríbalas ahora; llegan al equipo.",
	},
	CommentThanks: text{En: "Thank you, I passed that on to the team.", De: "Danke, ich habe das an das Team weitergegeben.", Fr: "Merci, je l'ai transmis à l'équipe.", Es: "Gracias, se lo he pasado al equipo."},
	Changed:       text{En: "%s has changed meanwhile; there is nothing to confirm.", De: "%s hat sich inzwischen geändert; es gibt nichts zu bestätigen.", Fr: "%s a changé entre-temps ; il n'y a rien à confirmer.", Es: "%s ha cambiado entretanto; no hay nada que confirmar."},
	ChangedRating: text{En: "%s has changed meanwhile; the rating was not kept.", De: "%s hat sich inzwischen geändert; die Bewertung wurde nicht gespeichert.", Fr: "%s a changé entre-temps ; la note n'a pas été gardée.", Es: "%s ha cambiado entretanto; la valoración no se ha guardado."},
	Poor:          text{En: "1 poor", De: "1 schlecht", Fr: "1 mauvais", Es: "1 mal"},
	Excellent:     text{En: "5 excellent", De: "5 ausgezeichnet", Fr: "5 excellent", Es: "5 excelente"},
	Cooldown: text{
		En: "Your case %s ended lately. This line takes a new case from you from %s; until then your regular service channels are open to you.",
		De: "Ihr Fall %s wurde vor kurzem abgeschlossen. Einen neuen Fall nimmt diese Linie ab %s an; bis dahin stehen Ihnen die üblichen Servicekanäle offen.",
		Fr: "Votre dossier %s vient de se terminer. Cette ligne accepte un nouveau dossier de votre part à partir du %s ; d'ici là, vos canaux de service habituels restent ouverts.",
		Es: "Su caso %s terminó hace poco. Esta línea acepta un caso nuevo suyo a partir del %s; hasta entonces, sus canales de servicio habituales siguen abiertos.",
	},
}
