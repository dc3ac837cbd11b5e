package bot

import (
	"fmt"

	"escalation-bot/conversation"
)

// text is one sentence of the core's, in every language the intake speaks
// (conversation.Languages). Owners read theirs in the language of their session; executives
// read the template summary in the operator's (Config.Language). A test checks that every text
// has every language with the same verbs.
type text struct{ en, de, fr, es string }

// in is t in lang; English for a language the core does not speak.
func (t text) in(lang string) string {
	switch lang {
	case conversation.LangGerman:
		return t.de
	case conversation.LangFrench:
		return t.fr
	case conversation.LangSpanish:
		return t.es
	}
	return t.en
}

func (t text) f(lang string, args ...any) string { return fmt.Sprintf(t.in(lang), args...) }

// texts are the core's sentences to owners during the intake and at submission, and the
// template summary's words. Later messages (claims, resolutions, reminders) are in English.
type texts struct {
	RateLimited, CarryOn, OwnerHasOpenCase, VINHasOpenCase, Submitted, BeingFiled text
	CaseIs, NoCaseYet, Blocked, BlockedUntil, BlockedReason, BlockedEnd, Paused   text
	SumCategory, SumSafeAnswer, SumSafeConcern, SumTitle, SumOwnerLanguage        text
	FactVIN, FactOdometer, FactLocation, FactTicket, FactSince                    text
	FileKept, FileTooLarge, FileWrongType, FileEmpty, FileTooMany                 text
}

var core = texts{
	FileKept: text{
		en: "I have %s; it goes with your case.",
		de: "Ich habe %s erhalten; die Datei kommt zu Ihrem Fall.",
		fr: "J'ai bien reçu %s ; le fichier sera joint à votre dossier.",
		es: "He recibido %s; el archivo irá con su caso.",
	},
	FileTooLarge: text{
		en: "I could not take %s: it is larger than %s. Please send photos, PDF documents or short videos (MP4, MOV) of up to %[2]s each.",
		de: "Ich konnte %s nicht annehmen: Die Datei ist größer als %s. Bitte senden Sie Fotos, PDF-Dokumente oder kurze Videos (MP4, MOV) mit bis zu %[2]s pro Datei.",
		fr: "Je n'ai pas pu prendre %s : le fichier dépasse %s. Envoyez des photos, des documents PDF ou de courtes vidéos (MP4, MOV) de %[2]s au plus chacun.",
		es: "No he podido aceptar %s: ocupa más de %s. Envíe fotos, documentos PDF o vídeos cortos (MP4, MOV) de hasta %[2]s cada uno.",
	},
	FileWrongType: text{
		en: "I could not take %s: I can only pass on photos (JPEG, PNG, GIF, WebP, HEIC), PDF documents and short videos (MP4, MOV), of up to %s each.",
		de: "Ich konnte %s nicht annehmen: Ich kann nur Fotos (JPEG, PNG, GIF, WebP, HEIC), PDF-Dokumente und kurze Videos (MP4, MOV) mit bis zu %s pro Datei weitergeben.",
		fr: "Je n'ai pas pu prendre %s : je ne transmets que des photos (JPEG, PNG, GIF, WebP, HEIC), des documents PDF et de courtes vidéos (MP4, MOV), de %s au plus chacun.",
		es: "No he podido aceptar %s: solo puedo enviar fotos (JPEG, PNG, GIF, WebP, HEIC), documentos PDF y vídeos cortos (MP4, MOV) de hasta %s cada uno.",
	},
	FileEmpty: text{
		en: "I could not take %s: the file is empty, or could not be fetched. Please send it again.",
		de: "Ich konnte %s nicht annehmen: Die Datei ist leer oder konnte nicht abgerufen werden. Bitte senden Sie sie noch einmal.",
		fr: "Je n'ai pas pu prendre %s : le fichier est vide ou n'a pas pu être récupéré. Envoyez-le à nouveau.",
		es: "No he podido aceptar %s: el archivo está vacío o no se ha podido obtener. Envíelo de nuevo.",
	},
	FileTooMany: text{
		en: "I take up to %d files per message; please send the others in another message.",
		de: "Ich nehme bis zu %d Dateien pro Nachricht an; bitte senden Sie die übrigen in einer weiteren Nachricht.",
		fr: "Je prends jusqu'à %d fichiers par message ; envoyez les autres dans un autre message.",
		es: "Acepto hasta %d archivos por mensaje; envíe los demás en otro mensaje.",
	},
	RateLimited: text{
		en: "You are sending messages faster than we can read them. Please wait a minute, then carry on; nothing you sent before is lost.",
		de: "Sie senden Nachrichten schneller, als wir sie lesen können. Bitte warten Sie eine Minute und machen Sie dann weiter; nichts, was Sie gesendet haben, geht verloren.",
		fr: "Vous envoyez des messages plus vite que nous ne pouvons les lire. Attendez une minute, puis continuez ; rien de ce que vous avez envoyé n'est perdu.",
		es: "Está enviando mensajes más rápido de lo que podemos leerlos. Espere un minuto y continúe; no se pierde nada de lo que ha enviado.",
	},
	CarryOn: text{
		en: "Let's carry on where we were:",
		de: "Machen wir weiter, wo wir waren:",
		fr: "Reprenons là où nous en étions :",
		es: "Sigamos donde lo dejamos:",
	},
	OwnerHasOpenCase: text{
		en: "You already have an open case, %s. Anything you write here goes to the team handling it.",
		de: "Sie haben bereits einen offenen Fall, %s. Alles, was Sie hier schreiben, geht an das Team, das ihn bearbeitet.",
		fr: "Vous avez déjà un dossier ouvert, %s. Tout ce que vous écrivez ici est transmis à l'équipe qui s'en occupe.",
		es: "Ya tiene un caso abierto, %s. Todo lo que escriba aquí llega al equipo que lo lleva.",
	},
	VINHasOpenCase: text{
		en: "This vehicle already has an open case, %s. I added your report to it; you will hear here when its status changes, and anything you write here goes to the team handling it.",
		de: "Für dieses Fahrzeug gibt es bereits einen offenen Fall, %s. Ich habe Ihre Meldung hinzugefügt; Sie erfahren hier, wenn sich sein Stand ändert, und alles, was Sie hier schreiben, geht an das Team, das ihn bearbeitet.",
		fr: "Ce véhicule a déjà un dossier ouvert, %s. J'y ai ajouté votre signalement ; vous serez informé ici de son évolution, et tout ce que vous écrivez ici est transmis à l'équipe qui s'en occupe.",
		es: "Este vehículo ya tiene un caso abierto, %s. He añadido su aviso; le informaremos aquí cuando cambie su estado, y todo lo que escriba aquí llega al equipo que lo lleva.",
	},
	Submitted: text{
		en: "Thank you. Your case is %s and it is now with the executive team. You will hear here when someone picks it up; anything you write here is added to the case.",
		de: "Vielen Dank. Ihr Fall hat die Nummer %s und liegt jetzt beim Team der Geschäftsleitung. Sie erfahren hier, wenn sich jemand darum kümmert; alles, was Sie hier schreiben, wird dem Fall hinzugefügt.",
		fr: "Merci. Votre dossier porte le numéro %s et se trouve maintenant chez l'équipe de direction. Vous serez informé ici dès que quelqu'un le prend en charge ; tout ce que vous écrivez ici est ajouté au dossier.",
		es: "Gracias. Su caso es el %s y ya está con el equipo de dirección. Le avisaremos aquí cuando alguien se haga cargo; todo lo que escriba aquí se añade al caso.",
	},
	BeingFiled: text{
		en: "Your case %s is being filed; write again in a minute to add to it.",
		de: "Ihr Fall %s wird gerade angelegt; schreiben Sie in einer Minute noch einmal, um etwas hinzuzufügen.",
		fr: "Votre dossier %s est en cours d'enregistrement ; écrivez de nouveau dans une minute pour le compléter.",
		es: "Su caso %s se está registrando; vuelva a escribir en un minuto para añadir algo.",
	},
	CaseIs: text{
		en: "Your case is %s.",
		de: "Ihr Fall hat die Nummer %s.",
		fr: "Votre dossier porte le numéro %s.",
		es: "Su caso es el %s.",
	},
	NoCaseYet: text{
		en: "You have no case yet: we are still collecting the details (%d answered so far). Carry on where we stopped, or type help.",
		de: "Sie haben noch keinen Fall: Wir sammeln noch die Angaben (%d bisher beantwortet). Machen Sie weiter, wo wir aufgehört haben, oder schreiben Sie hilfe.",
		fr: "Vous n'avez pas encore de dossier : nous recueillons encore les détails (%d réponses jusqu'ici). Reprenez là où nous nous sommes arrêtés, ou écrivez aide.",
		es: "Todavía no tiene un caso: aún estamos recogiendo los datos (%d respondidas hasta ahora). Siga donde lo dejamos, o escriba ayuda.",
	},
	Blocked: text{
		en: "Sorry, this escalation line is not available to you at the moment",
		de: "Diese Eskalationslinie steht Ihnen derzeit leider nicht zur Verfügung",
		fr: "Désolé, cette ligne d'escalade ne vous est pas accessible pour le moment",
		es: "Lo sentimos, esta línea de escalado no está disponible para usted en este momento",
	},
	BlockedUntil: text{en: " (until %s)", de: " (bis %s)", fr: " (jusqu'au %s)", es: " (hasta el %s)"},
	BlockedReason: text{
		en: ". Reason: %s",
		de: ". Grund: %s",
		fr: ". Motif : %s",
		es: ". Motivo: %s",
	},
	BlockedEnd: text{
		en: ". Your regular service channels are still open to you.",
		de: ". Ihre üblichen Service-Kanäle stehen Ihnen weiterhin offen.",
		fr: ". Vos canaux de service habituels restent ouverts.",
		es: ". Sus canales de servicio habituales siguen abiertos.",
	},
	Paused: text{
		en: "The escalation line is paused for a short while. Please try again later; your regular service channels are open.",
		de: "Die Eskalationslinie ist kurz pausiert. Bitte versuchen Sie es später noch einmal; Ihre üblichen Service-Kanäle sind offen.",
		fr: "La ligne d'escalade est en pause pour un court moment. Réessayez plus tard ; vos canaux de service habituels sont ouverts.",
		es: "La línea de escalado está en pausa un momento. Inténtelo más tarde; sus canales de servicio habituales están abiertos.",
	},
	SumCategory:    text{en: "Category: %s. ", de: "Kategorie: %s. ", fr: "Catégorie : %s. ", es: "Categoría: %s. "},
	SumSafeAnswer:  text{en: "%s? The owner answered: %s. ", de: "%s? Antwort des Halters: %s. ", fr: "%s ? Réponse du propriétaire : %s. ", es: "¿%s? El propietario respondió: %s. "},
	SumSafeConcern: text{en: "The owner's answers raise a concern about whether the vehicle is safe to drive. ", de: "Die Antworten des Halters wecken Zweifel, ob das Fahrzeug sicher gefahren werden kann. ", fr: "Les réponses du propriétaire font douter que le véhicule puisse rouler en sécurité. ", es: "Las respuestas del propietario hacen dudar de que el vehículo se pueda conducir con seguridad. "},
	SumTitle:       text{en: "Escalation", de: "Eskalation", fr: "Escalade", es: "Escalado"},
	SumOwnerLanguage: text{
		en: "Owner's language: %s",
		de: "Sprache des Halters: %s",
		fr: "Langue du propriétaire : %s",
		es: "Idioma del propietario: %s",
	},
	FactVIN:      text{en: "VIN: %s", de: "FIN: %s", fr: "VIN : %s", es: "VIN: %s"},
	FactOdometer: text{en: "Odometer: %s", de: "Kilometerstand: %s", fr: "Kilométrage : %s", es: "Kilometraje: %s"},
	FactLocation: text{en: "Location: %s", de: "Standort: %s", fr: "Lieu : %s", es: "Ubicación: %s"},
	FactTicket:   text{en: "Prior ticket: %s", de: "Früheres Ticket: %s", fr: "Ticket précédent : %s", es: "Ticket anterior: %s"},
	FactSince:    text{en: "Since: %s", de: "Seit: %s", fr: "Depuis : %s", es: "Desde: %s"},
}
