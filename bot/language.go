package bot

import (
	"escalation-bot/conversation"
)

// text is one sentence of the core's, in every language the intake speaks. Owners read theirs
// in the language of their session; executives read the template summary in the operator's
// (Config.Language). A test checks that every text has every language with the same verbs.
type text = conversation.Words

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
		En: "I have %s; it goes with your case.",
		De: "Ich habe %s erhalten; die Datei kommt zu Ihrem Fall.",
		Fr: "J'ai bien reçu %s ; le fichier sera joint à votre dossier.",
		Es: "He recibido %s; el archivo irá con su caso.",
	},
	FileTooLarge: text{
		En: "I could not take %s: it is larger than %s. Please send photos, PDF documents or short videos (MP4, MOV) of up to %[2]s each.",
		De: "Ich konnte %s nicht annehmen: Die Datei ist größer als %s. Bitte senden Sie Fotos, PDF-Dokumente oder kurze Videos (MP4, MOV) mit bis zu %[2]s pro Datei.",
		Fr: "Je n'ai pas pu prendre %s : le fichier dépasse %s. Envoyez des photos, des documents PDF ou de courtes vidéos (MP4, MOV) de %[2]s au plus chacun.",
		Es: "No he podido aceptar %s: ocupa más de %s. Envíe fotos, documentos PDF o vídeos cortos (MP4, MOV) de hasta %[2]s cada uno.",
	},
	FileWrongType: text{
		En: "I could not take %s: I can only pass on photos (JPEG, PNG, GIF, WebP, HEIC), PDF documents and short videos (MP4, MOV), of up to %s each.",
		De: "Ich konnte %s nicht annehmen: Ich kann nur Fotos (JPEG, PNG, GIF, WebP, HEIC), PDF-Dokumente und kurze Videos (MP4, MOV) mit bis zu %s pro Datei weitergeben.",
		Fr: "Je n'ai pas pu prendre %s : je ne transmets que des photos (JPEG, PNG, GIF, WebP, HEIC), des documents PDF et de courtes vidéos (MP4, MOV), de %s au plus chacun.",
		Es: "No he podido aceptar %s: solo puedo enviar fotos (JPEG, PNG, GIF, WebP, HEIC), documentos PDF y vídeos cortos (MP4, MOV) de hasta %s cada uno.",
	},
	FileEmpty: text{
		En: "I could not take %s: the file is empty, or could not be fetched. Please send it again.",
		De: "Ich konnte %s nicht annehmen: Die Datei ist leer oder konnte nicht abgerufen werden. Bitte senden Sie sie noch einmal.",
		Fr: "Je n'ai pas pu prendre %s : le fichier est vide ou n'a pas pu être récupéré. Envoyez-le à nouveau.",
		Es: "No he podido aceptar %s: el archivo está vacío o no se ha podido obtener. Envíelo de nuevo.",
	},
	FileTooMany: text{
		En: "I take up to %d files per message; please send the others in another message.",
		De: "Ich nehme bis zu %d Dateien pro Nachricht an; bitte senden Sie die übrigen in einer weiteren Nachricht.",
		Fr: "Je prends jusqu'à %d fichiers par message ; envoyez les autres dans un autre message.",
		Es: "Acepto hasta %d archivos por mensaje; envíe los demás en otro mensaje.",
	},
	RateLimited: text{
		En: "You are sending messages faster than we can read them. Please wait a minute, then carry on; nothing you sent before is lost.",
		De: "Sie senden Nachrichten schneller, als wir sie lesen können. Bitte warten Sie eine Minute und machen Sie dann weiter; nichts, was Sie gesendet haben, geht verloren.",
		Fr: "Vous envoyez des messages plus vite que nous ne pouvons les lire. Attendez une minute, puis continuez ; rien de ce que vous avez envoyé n'est perdu.",
		Es: "Está enviando mensajes más rápido de lo que podemos leerlos. Espere un minuto y continúe; no se pierde nada de lo que ha enviado.",
	},
	CarryOn: text{
		En: "Let's carry on where we were:",
		De: "Machen wir weiter, wo wir waren:",
		Fr: "Reprenons là où nous en étions :",
		Es: "Sigamos donde lo dejamos:",
	},
	OwnerHasOpenCase: text{
		En: "You already have an open case, %s. Anything you write here goes to the team handling it.",
		De: "Sie haben bereits einen offenen Fall, %s. Alles, was Sie hier schreiben, geht an das Team, das ihn bearbeitet.",
		Fr: "Vous avez déjà un dossier ouvert, %s. Tout ce que vous écrivez ici est transmis à l'équipe qui s'en occupe.",
		Es: "Ya tiene un caso abierto, %s. Todo lo que escriba aquí llega al equipo que lo lleva.",
	},
	VINHasOpenCase: text{
		En: "This vehicle already has an open case, %s. I added your report to it; you will hear here when its status changes, and anything you write here goes to the team handling it.",
		De: "Für dieses Fahrzeug gibt es bereits einen offenen Fall, %s. Ich habe Ihre Meldung hinzugefügt; Sie erfahren hier, wenn sich sein Stand ändert, und alles, was Sie hier schreiben, geht an das Team, das ihn bearbeitet.",
		Fr: "Ce véhicule a déjà un dossier ouvert, %s. J'y ai ajouté votre signalement ; vous serez informé ici de son évolution, et tout ce que vous écrivez ici est transmis à l'équipe qui s'en occupe.",
		Es: "Este vehículo ya tiene un caso abierto, %s. He añadido su aviso; le informaremos aquí cuando cambie su estado, y todo lo que escriba aquí llega al equipo que lo lleva.",
	},
	Submitted: text{
		En: "Thank you. Your case is %s and it is now with the executive team. You will hear here when someone picks it up; anything you write here is added to the case.",
		De: "Vielen Dank. Ihr Fall hat die Nummer %s und liegt jetzt beim Team der Geschäftsleitung. Sie erfahren hier, wenn sich jemand darum kümmert; alles, was Sie hier schreiben, wird dem Fall hinzugefügt.",
		Fr: "Merci. Votre dossier porte le numéro %s et se trouve maintenant chez l'équipe de direction. Vous serez informé ici dès que quelqu'un le prend en charge ; tout ce que vous écrivez ici est ajouté au dossier.",
		Es: "Gracias. Su caso es el %s y ya está con el equipo de dirección. Le avisaremos aquí cuando alguien se haga cargo; todo lo que escriba aquí se añade al caso.",
	},
	BeingFiled: text{
		En: "Your case %s is being filed; write again in a minute to add to it.",
		De: "Ihr Fall %s wird gerade angelegt; schreiben Sie in einer Minute noch einmal, um etwas hinzuzufügen.",
		Fr: "Votre dossier %s est en cours d'enregistrement ; écrivez de nouveau dans une minute pour le compléter.",
		Es: "Su caso %s se está registrando; vuelva a escribir en un minuto para añadir algo.",
	},
	CaseIs: text{
		En: "Your case is %s.",
		De: "Ihr Fall hat die Nummer %s.",
		Fr: "Votre dossier porte le numéro %s.",
		Es: "Su caso es el %s.",
	},
	NoCaseYet: text{
		En: "You have no case yet: we are still collecting the details (%d answered so far). Carry on where we stopped, or type help.",
		De: "Sie haben noch keinen Fall: Wir sammeln noch die Angaben (%d bisher beantwortet). Machen Sie weiter, wo wir aufgehört haben, oder schreiben Sie hilfe.",
		Fr: "Vous n'avez pas encore de dossier : nous recueillons encore les détails (%d réponses jusqu'ici). Reprenez là où nous nous sommes arrêtés, ou écrivez aide.",
		Es: "Todavía no tiene un caso: aún estamos recogiendo los datos (%d respondidas hasta ahora). Siga donde lo dejamos, o escriba ayuda.",
	},
	Blocked: text{
		En: "Sorry, this escalation line is not available to you at the moment",
		De: "Diese Eskalationslinie steht Ihnen derzeit leider nicht zur Verfügung",
		Fr: "Désolé, cette ligne d'escalade ne vous est pas accessible pour le moment",
		Es: "Lo sentimos, esta línea de escalado no está disponible para usted en este momento",
	},
	BlockedUntil: text{En: " (until %s)", De: " (bis %s)", Fr: " (jusqu'au %s)", Es: " (hasta el %s)"},
	BlockedReason: text{
		En: ". Reason: %s",
		De: ". Grund: %s",
		Fr: ". Motif : %s",
		Es: ". Motivo: %s",
	},
	BlockedEnd: text{
		En: ". Your regular service channels are still open to you.",
		De: ". Ihre üblichen Service-Kanäle stehen Ihnen weiterhin offen.",
		Fr: ". Vos canaux de service habituels restent ouverts.",
		Es: ". Sus canales de servicio habituales siguen abiertos.",
	},
	Paused: text{
		En: "The escalation line is paused for a short while. Please try again later; your regular service channels are open.",
		De: "Die Eskalationslinie ist kurz pausiert. Bitte versuchen Sie es später noch einmal; Ihre üblichen Service-Kanäle sind offen.",
		Fr: "La ligne d'escalade est en pause pour un court moment. Réessayez plus tard ; vos canaux de service habituels sont ouverts.",
		Es: "La línea de escalado está en pausa un momento. Inténtelo más tarde; sus canales de servicio habituales están abiertos.",
	},
	SumCategory:    text{En: "Category: %s. ", De: "Kategorie: %s. ", Fr: "Catégorie : %s. ", Es: "Categoría: %s. "},
	SumSafeAnswer:  text{En: "%s? The owner answered: %s. ", De: "%s? Antwort des Halters: %s. ", Fr: "%s ? Réponse du propriétaire : %s. ", Es: "¿%s? El propietario respondió: %s. "},
	SumSafeConcern: text{En: "The owner's answers raise a concern about whether the vehicle is safe to drive. ", De: "Die Antworten des Halters wecken Zweifel, ob das Fahrzeug sicher gefahren werden kann. ", Fr: "Les réponses du propriétaire font douter que le véhicule puisse rouler en sécurité. ", Es: "Las respuestas del propietario hacen dudar de que el vehículo se pueda conducir con seguridad. "},
	SumTitle:       text{En: "Escalation", De: "Eskalation", Fr: "Escalade", Es: "Escalado"},
	SumOwnerLanguage: text{
		En: "Owner's language: %s",
		De: "Sprache des Halters: %s",
		Fr: "Langue du propriétaire : %s",
		Es: "Idioma del propietario: %s",
	},
	FactVIN:      text{En: "VIN: %s", De: "FIN: %s", Fr: "VIN : %s", Es: "VIN: %s"},
	FactOdometer: text{En: "Odometer: %s", De: "Kilometerstand: %s", Fr: "Kilométrage : %s", Es: "Kilometraje: %s"},
	FactLocation: text{En: "Location: %s", De: "Standort: %s", Fr: "Lieu : %s", Es: "Ubicación: %s"},
	FactTicket:   text{En: "Prior ticket: %s", De: "Früheres Ticket: %s", Fr: "Ticket précédent : %s", Es: "Ticket anterior: %s"},
	FactSince:    text{En: "Since: %s", De: "Seit: %s", Fr: "Depuis : %s", Es: "Desde: %s"},
}
