package bot

// forgetTexts are what an owner reads when asking to be forgotten ("forget me"), in their
// language.
type forgetTexts struct {
	Ask, Yes, No, Done, Kept text
}

var forget = forgetTexts{
	Ask: text{
		En: "This erases what you told us and what we keep about you: this conversation, your answers, and your cases' details and messages. Any open case is closed. It cannot be undone. Reply 'yes' to confirm.",
		De: "Damit löschen wir, was Sie uns gesagt haben und was wir über Sie speichern: dieses Gespräch, Ihre Antworten sowie die Angaben und Nachrichten Ihrer Fälle. Ein offener Fall wird geschlossen. Das lässt sich nicht rückgängig machen. Antworten Sie mit 'ja', um es zu bestätigen.",
		Fr: "Cela efface ce que vous nous avez dit et ce que nous conservons sur vous : cette conversation, vos réponses, ainsi que les détails et messages de vos dossiers. Un dossier ouvert est clos. C'est irréversible. Répondez 'oui' pour confirmer.",
		Es: "Esto borra lo que nos ha contado y lo que guardamos sobre usted: esta conversación, sus respuestas y los datos y mensajes de sus casos. Un caso abierto se cierra. No se puede deshacer. Responda 'sí' para confirmarlo.",
	},
	Yes: text{En: "Yes, erase it", De: "Ja, löschen", Fr: "Oui, effacer", Es: "Sí, borrarlo"},
	No:  text{En: "No, keep it", De: "Nein, behalten", Fr: "Non, garder", Es: "No, conservarlo"},
	Done: text{
		En: "Done: what we kept about you is erased. Our records only note that an erasure happened and when. You can write here again at any time to start over.",
		De: "Erledigt: Was wir über Sie gespeichert hatten, ist gelöscht. Unsere Unterlagen vermerken nur, dass und wann gelöscht wurde. Sie können hier jederzeit wieder schreiben, um neu zu beginnen.",
		Fr: "C'est fait : ce que nous conservions sur vous est effacé. Nos registres notent seulement qu'un effacement a eu lieu, et quand. Vous pouvez écrire ici à tout moment pour recommencer.",
		Es: "Hecho: lo que guardábamos sobre usted está borrado. Nuestros registros solo anotan que hubo un borrado y cuándo. Puede volver a escribir aquí cuando quiera para empezar de nuevo.",
	},
	Kept: text{
		En: "Nothing was erased. Let's carry on.",
		De: "Es wurde nichts gelöscht. Machen wir weiter.",
		Fr: "Rien n'a été effacé. Continuons.",
		Es: "No se ha borrado nada. Sigamos.",
	},
}
