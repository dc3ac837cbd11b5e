package conversation

import "fmt"

// msg is one sentence of the engine's own, in every language it speaks. The flow carries its
// questions; these are what the engine says around them. A test checks that every sentence has
// every language and the same verbs in each.
type msg struct{ en, de, fr, es string }

// in is m in lang; English for a language the engine does not speak.
func (m msg) in(lang string) string {
	switch lang {
	case LangGerman:
		return m.de
	case LangFrench:
		return m.fr
	case LangSpanish:
		return m.es
	}
	return m.en
}

// f formats m in lang.
func (m msg) f(lang string, args ...any) string { return fmt.Sprintf(m.in(lang), args...) }

// sentences are the engine's sentences, by what they are for.
type sentences struct {
	FlowChanged, ReviewCheck, NotCaught, Cancelled, SubmittedAlready                                 msg
	FirstQuestion, NothingToSkip, CannotSkip, WhichToEdit, NoSuchQuestion, ControlHelp               msg
	KeptFirst, PickOneOf, StaleButton, KeptDraft, CouldNotTell, TypeVINAgain, WhichFits, CouldNotUse msg
	NoAnswerHere, TypeFewWords, YearDigits, YearRange, TicketRequired, TicketShapeRequired           msg
	TicketShape, TellMore, PressToGoOn, OrOther                                                      msg
	OdometerShape, OdometerTooBig                                                                    msg
	Corrected, YesOrNo, WillAskIt, WillAskEach, PressWrong, KeptRest, WhichWrong, PickedUp           msg
	PleaseType, Noted, ConsentRight, ConsentWrong, SoundsLike, VINYear, KmOrMiles, VINExactly        msg
	CurrentAnswer, AlsoTell                                                                          msg
	HelpReview, HelpVINCheck, HelpChoiceConfirm, HelpYearConfirm, HelpUnit, HelpWhichWrong           msg
	HelpPending, HelpConsent, FirstButton, HelpTicketRequired, HelpTicket, HelpVIN, HelpYear         msg
	HelpOdometer, HelpChoice, HelpTextMin, HelpText, HelpSkippable                                   msg
	Review, NotYet                                                                                   msg
	VINCheck, VINCheckWant, VINLength, VINIOQ, VINChars                                              msg
	LanguageNow, LanguageChoose, LanguageUnknown, LanguageOffer                                      msg
	Yes, No, Back, Cancel, Other, Skip, Submit, Restart, Edit, AllOfThem, Km, Miles                  msg
	VINCorrect, VINReenter, NoTicket                                                                 msg
}

// say holds every sentence the engine says to an owner.
var say = sentences{
	FlowChanged: msg{
		en: "The questions have changed since we last spoke, so let's start again.",
		de: "Die Fragen haben sich seit unserem letzten Gespräch geändert, deshalb fangen wir neu an.",
		fr: "Les questions ont changé depuis notre dernier échange, alors recommençons.",
		es: "Las preguntas han cambiado desde la última vez, así que empecemos de nuevo.",
	},
	ReviewCheck: msg{
		en: "Please check your answers: press Submit to send them, or Edit to change one.",
		de: "Bitte prüfen Sie Ihre Antworten: Drücken Sie Absenden, um sie zu senden, oder Ändern, um eine zu korrigieren.",
		fr: "Vérifiez vos réponses : appuyez sur Envoyer pour les transmettre, ou sur Modifier pour en changer une.",
		es: "Revise sus respuestas: pulse Enviar para mandarlas, o Cambiar para corregir una.",
	},
	NotCaught: msg{
		en: "Sorry, I didn't catch that.",
		de: "Entschuldigung, das habe ich nicht verstanden.",
		fr: "Désolé, je n'ai pas compris.",
		es: "Perdone, no le he entendido.",
	},
	Cancelled: msg{
		en: "Cancelled. Nothing has been sent. Write to me any time to start again.",
		de: "Abgebrochen. Es wurde nichts gesendet. Schreiben Sie mir jederzeit, um neu zu beginnen.",
		fr: "Annulé. Rien n'a été envoyé. Écrivez-moi quand vous voulez pour recommencer.",
		es: "Cancelado. No se ha enviado nada. Escríbame cuando quiera para empezar de nuevo.",
	},
	SubmittedAlready: msg{
		en: "Your case has been submitted and is with the team. Type status for news, or restart to report a different problem.",
		de: "Ihr Fall wurde eingereicht und liegt beim Team. Schreiben Sie status für Neuigkeiten oder neu starten, um ein anderes Problem zu melden.",
		fr: "Votre dossier a été envoyé et se trouve chez l'équipe. Écrivez statut pour avoir des nouvelles, ou recommencer pour signaler un autre problème.",
		es: "Su caso se ha enviado y está con el equipo. Escriba estado para tener noticias, o reiniciar para informar de otro problema.",
	},
	FirstQuestion: msg{
		en: "This is the first question.",
		de: "Das ist die erste Frage.",
		fr: "C'est la première question.",
		es: "Esta es la primera pregunta.",
	},
	NothingToSkip: msg{
		en: "There is nothing to skip here.",
		de: "Hier gibt es nichts zu überspringen.",
		fr: "Il n'y a rien à passer ici.",
		es: "Aquí no hay nada que saltar.",
	},
	CannotSkip: msg{
		en: "Sorry, this question can't be skipped; the team needs the answer to take up your case.",
		de: "Diese Frage kann leider nicht übersprungen werden; das Team braucht die Antwort, um Ihren Fall zu bearbeiten.",
		fr: "Désolé, cette question ne peut pas être passée : l'équipe a besoin de la réponse pour prendre en charge votre dossier.",
		es: "Lo siento, esta pregunta no se puede saltar: el equipo necesita la respuesta para atender su caso.",
	},
	WhichToEdit: msg{
		en: "Which answer would you like to change?",
		de: "Welche Antwort möchten Sie ändern?",
		fr: "Quelle réponse voulez-vous modifier ?",
		es: "¿Qué respuesta quiere cambiar?",
	},
	NoSuchQuestion: msg{
		en: "I don't have a question called \"%s\". You can edit: %s.",
		de: "Eine Frage „%s“ gibt es nicht. Sie können ändern: %s.",
		fr: "Je n'ai pas de question « %s ». Vous pouvez modifier : %s.",
		es: "No tengo ninguna pregunta llamada «%s». Puede cambiar: %s.",
	},
	ControlHelp: msg{
		en: "You can also type: back (previous question), skip (optional questions), edit <field> (change an answer, e.g. edit vin), " +
			"restart (start over), cancel (stop; nothing is sent), help, status (news on a submitted case), or language de, fr, es, en.",
		de: "Sie können auch schreiben: zurück (vorherige Frage), überspringen (freiwillige Fragen), ändern <Feld> (eine Antwort ändern, z. B. ändern vin), " +
			"neu starten (von vorn), abbrechen (aufhören; nichts wird gesendet), hilfe, status (Neuigkeiten zu einem eingereichten Fall) oder sprache en, fr, es, de.",
		fr: "Vous pouvez aussi écrire : retour (question précédente), passer (questions facultatives), modifier <champ> (changer une réponse, par ex. modifier vin), " +
			"recommencer (tout reprendre), annuler (arrêter ; rien n'est envoyé), aide, statut (nouvelles d'un dossier envoyé) ou langue en, de, es, fr.",
		es: "También puede escribir: atrás (pregunta anterior), saltar (preguntas opcionales), editar <campo> (cambiar una respuesta, p. ej. editar vin), " +
			"reiniciar (empezar de nuevo), cancelar (parar; no se envía nada), ayuda, estado (noticias de un caso enviado) o idioma en, de, fr, es.",
	},
	KeptFirst: msg{
		en: "That was long, so I kept the first %d characters.",
		de: "Das war lang, ich habe die ersten %d Zeichen behalten.",
		fr: "C'était long, j'ai gardé les %d premiers caractères.",
		es: "Era largo, así que he guardado los primeros %d caracteres.",
	},
	PickOneOf: msg{
		en: "Please pick one of: %s.",
		de: "Bitte wählen Sie eines davon: %s.",
		fr: "Veuillez choisir parmi : %s.",
		es: "Elija una de estas opciones: %s.",
	},
	StaleButton: msg{
		en: "That button belongs to an earlier question.",
		de: "Diese Schaltfläche gehört zu einer früheren Frage.",
		fr: "Ce bouton appartient à une question précédente.",
		es: "Ese botón pertenece a una pregunta anterior.",
	},
	KeptDraft: msg{
		en: "I kept what you wrote as the description of the problem; you can change it on the summary at the end.",
		de: "Ich habe Ihren Text als Beschreibung des Problems übernommen; Sie können ihn in der Zusammenfassung am Ende ändern.",
		fr: "J'ai gardé ce que vous avez écrit comme description du problème ; vous pourrez la modifier dans le récapitulatif à la fin.",
		es: "He guardado lo que escribió como descripción del problema; puede cambiarla en el resumen al final.",
	},
	CouldNotTell: msg{
		en: "I couldn't tell which of these it is; please press the closest one.",
		de: "Ich konnte nicht erkennen, was davon zutrifft; bitte drücken Sie das Passendste.",
		fr: "Je n'ai pas pu déterminer lequel c'est ; appuyez sur le plus proche.",
		es: "No he podido saber cuál es; pulse la opción más parecida.",
	},
	TypeVINAgain: msg{
		en: "All right, please type the VIN again.",
		de: "In Ordnung, bitte geben Sie die FIN noch einmal ein.",
		fr: "D'accord, veuillez saisir à nouveau le VIN.",
		es: "De acuerdo, escriba de nuevo el VIN.",
	},
	WhichFits: msg{
		en: "Which one fits best, then?",
		de: "Was passt dann am besten?",
		fr: "Lequel correspond le mieux, alors ?",
		es: "Entonces, ¿cuál encaja mejor?",
	},
	CouldNotUse: msg{
		en: "Sorry, I couldn't use that answer.",
		de: "Mit dieser Antwort kann ich leider nichts anfangen.",
		fr: "Désolé, je ne peux pas utiliser cette réponse.",
		es: "Lo siento, no puedo usar esa respuesta.",
	},
	NoAnswerHere: msg{
		en: "I can't take an answer to this question.",
		de: "Auf diese Frage kann ich keine Antwort annehmen.",
		fr: "Je ne peux pas prendre de réponse à cette question.",
		es: "No puedo aceptar una respuesta a esta pregunta.",
	},
	TypeFewWords: msg{
		en: "Please type a few words for %s.",
		de: "Bitte schreiben Sie ein paar Worte für: %s.",
		fr: "Veuillez écrire quelques mots pour : %s.",
		es: "Escriba unas palabras para: %s.",
	},
	YearDigits: msg{
		en: "Please give the model year as four digits, for example %d.",
		de: "Bitte geben Sie das Modelljahr vierstellig an, zum Beispiel %d.",
		fr: "Veuillez indiquer l'année du modèle en quatre chiffres, par exemple %d.",
		es: "Indique el año del modelo con cuatro cifras, por ejemplo %d.",
	},
	YearRange: msg{
		en: "Model years here run from %d to %d; %d is outside that.",
		de: "Modelljahre reichen hier von %d bis %d; %d liegt außerhalb.",
		fr: "Les années de modèle vont ici de %d à %d ; %d est en dehors.",
		es: "Los años de modelo van aquí de %d a %d; %d queda fuera.",
	},
	TicketRequired: msg{
		en: "This line is for problems that normal service has not solved, so I need the number of your earlier service ticket or case. " +
			"If you have not contacted service yet, please start there; they can often help quickly.",
		de: "Diese Linie ist für Probleme, die der normale Service nicht gelöst hat; ich brauche daher die Nummer Ihres früheren Service-Tickets oder Vorgangs. " +
			"Wenn Sie den Service noch nicht kontaktiert haben, beginnen Sie bitte dort; oft kann er schnell helfen.",
		fr: "Cette ligne est réservée aux problèmes que le service habituel n'a pas résolus : il me faut donc le numéro de votre ticket ou dossier de service. " +
			"Si vous n'avez pas encore contacté le service, commencez par là ; il peut souvent aider rapidement.",
		es: "Esta línea es para problemas que el servicio habitual no ha resuelto, así que necesito el número de su ticket o caso de servicio anterior. " +
			"Si aún no ha contactado con el servicio, empiece por ahí; a menudo pueden ayudar rápido.",
	},
	TicketShapeRequired: msg{
		en: "That doesn't look like a ticket or case number. Please type the number, for example SR-1234567.",
		de: "Das sieht nicht nach einer Ticket- oder Vorgangsnummer aus. Bitte geben Sie die Nummer ein, zum Beispiel SR-1234567.",
		fr: "Cela ne ressemble pas à un numéro de ticket ou de dossier. Veuillez saisir le numéro, par exemple SR-1234567.",
		es: "Eso no parece un número de ticket o de caso. Escriba el número, por ejemplo SR-1234567.",
	},
	TicketShape: msg{
		en: "That doesn't look like a ticket or case number. Please type the number, for example SR-1234567, or \"none\" if you have not had one.",
		de: "Das sieht nicht nach einer Ticket- oder Vorgangsnummer aus. Bitte geben Sie die Nummer ein, zum Beispiel SR-1234567, oder „keine“, wenn Sie keine haben.",
		fr: "Cela ne ressemble pas à un numéro de ticket ou de dossier. Veuillez saisir le numéro, par exemple SR-1234567, ou « aucun » si vous n'en avez pas.",
		es: "Eso no parece un número de ticket o de caso. Escriba el número, por ejemplo SR-1234567, o «ninguno» si no tiene.",
	},
	TellMore: msg{
		en: "Please tell me a little more: at least %d characters (that was %d).",
		de: "Bitte erzählen Sie mir etwas mehr: mindestens %d Zeichen (das waren %d).",
		fr: "Dites-m'en un peu plus : au moins %d caractères (il y en avait %d).",
		es: "Cuénteme un poco más: al menos %d caracteres (eran %d).",
	},
	PressToGoOn: msg{
		en: "Please press %s to go on, or Cancel to stop.",
		de: "Bitte drücken Sie %s, um fortzufahren, oder Abbrechen, um aufzuhören.",
		fr: "Appuyez sur %s pour continuer, ou sur Annuler pour arrêter.",
		es: "Pulse %s para continuar, o Cancelar para parar.",
	},
	OrOther: msg{
		en: " or %d. Other (type your own)",
		de: " oder %d. Andere (selbst eingeben)",
		fr: " ou %d. Autre (à saisir)",
		es: " o %d. Otro (escríbalo usted)",
	},
	OdometerShape: msg{
		en: "Please give the odometer reading as a number with km or mi, for example 45,000 mi or 72000 km.",
		de: "Bitte geben Sie den Kilometerstand als Zahl mit km oder mi an, zum Beispiel 72.000 km oder 45000 mi.",
		fr: "Veuillez indiquer le kilométrage en chiffres avec km ou mi, par exemple 72 000 km ou 45000 mi.",
		es: "Indique el kilometraje como número con km o mi, por ejemplo 72.000 km o 45000 mi.",
	},
	OdometerTooBig: msg{
		en: "That is more than I'd expect on an odometer; please check the number.",
		de: "Das ist mehr, als ein Kilometerzähler zeigen dürfte; bitte prüfen Sie die Zahl.",
		fr: "C'est plus que ce qu'un compteur devrait afficher ; veuillez vérifier le nombre.",
		es: "Es más de lo que debería marcar un cuentakilómetros; compruebe el número.",
	},
	Corrected: msg{
		en: "Thanks, I corrected that.",
		de: "Danke, ich habe das korrigiert.",
		fr: "Merci, j'ai corrigé.",
		es: "Gracias, lo he corregido.",
	},
	YesOrNo: msg{
		en: "Please answer yes or no.",
		de: "Bitte antworten Sie mit ja oder nein.",
		fr: "Veuillez répondre par oui ou par non.",
		es: "Responda sí o no, por favor.",
	},
	WillAskIt: msg{
		en: "No problem; I'll ask you for it.",
		de: "Kein Problem; ich frage Sie danach.",
		fr: "Pas de problème ; je vous le demanderai.",
		es: "No hay problema; se lo preguntaré.",
	},
	WillAskEach: msg{
		en: "No problem; I'll ask you for each of them.",
		de: "Kein Problem; ich frage Sie nach jedem davon.",
		fr: "Pas de problème ; je vous les demanderai un par un.",
		es: "No hay problema; le preguntaré por cada uno.",
	},
	PressWrong: msg{
		en: "Please press the one that is wrong.",
		de: "Bitte drücken Sie auf die Angabe, die falsch ist.",
		fr: "Appuyez sur celui qui est faux.",
		es: "Pulse el que está mal.",
	},
	KeptRest: msg{
		en: "Thanks. I kept the rest and will ask for the %s; you can change anything on the summary at the end.",
		de: "Danke. Den Rest habe ich behalten und frage nach: %s; in der Zusammenfassung am Ende können Sie alles ändern.",
		fr: "Merci. J'ai gardé le reste et je vous demanderai : %s ; vous pourrez tout modifier dans le récapitulatif à la fin.",
		es: "Gracias. He guardado el resto y le preguntaré: %s; puede cambiar cualquier cosa en el resumen al final.",
	},
	WhichWrong: msg{
		en: "Which one is wrong? I'll keep the others.",
		de: "Welche Angabe ist falsch? Die anderen behalte ich.",
		fr: "Lequel est faux ? Je garde les autres.",
		es: "¿Cuál está mal? Guardaré los demás.",
	},
	PickedUp: msg{
		en: "I picked up: %s. Is that right?",
		de: "Ich habe verstanden: %s. Stimmt das?",
		fr: "J'ai relevé : %s. Est-ce exact ?",
		es: "He anotado: %s. ¿Es correcto?",
	},
	PleaseType: msg{
		en: "Please type the %s.",
		de: "Bitte geben Sie ein: %s.",
		fr: "Veuillez saisir : %s.",
		es: "Escriba: %s.",
	},
	AlsoTell: msg{
		en: "If you can, answer these in the same message too:",
		de: "Wenn Sie können, beantworten Sie in derselben Nachricht auch diese Fragen:",
		fr: "Si vous le pouvez, répondez aussi à ces questions dans le même message :",
		es: "Si puede, responda también a estas preguntas en el mismo mensaje:",
	},
	Noted: msg{
		en: "From your message I noted: %s.",
		de: "Aus Ihrer Nachricht habe ich notiert: %s.",
		fr: "De votre message, j'ai noté : %s.",
		es: "De su mensaje he anotado: %s.",
	},
	ConsentRight: msg{
		en: "%s; these are right",
		de: "%s; die Angaben stimmen",
		fr: "%s ; c'est exact",
		es: "%s; los datos son correctos",
	},
	ConsentWrong: msg{
		en: "%s; something is wrong",
		de: "%s; etwas stimmt nicht",
		fr: "%s ; quelque chose est faux",
		es: "%s; algo está mal",
	},
	SoundsLike: msg{
		en: "That sounds like %s: right?",
		de: "Das klingt nach %s: richtig?",
		fr: "Cela ressemble à : %s. C'est bien ça ?",
		es: "Parece que es: %s. ¿Correcto?",
	},
	VINYear: msg{
		en: "The VIN says model year %s (its 10th character), but I have %s. Which is right?",
		de: "Laut FIN ist das Modelljahr %s (ihr 10. Zeichen), ich habe aber %s notiert. Was stimmt?",
		fr: "Le VIN indique l'année de modèle %s (son 10e caractère), mais j'ai noté %s. Laquelle est juste ?",
		es: "El VIN indica el año de modelo %s (su 10.º carácter), pero tengo anotado %s. ¿Cuál es el correcto?",
	},
	KmOrMiles: msg{
		en: "Is that %s kilometres or miles?",
		de: "Sind das %s Kilometer oder Meilen?",
		fr: "Est-ce %s kilomètres ou miles ?",
		es: "¿Son %s kilómetros o millas?",
	},
	VINExactly: msg{
		en: "Is %s exactly what is on your vehicle?",
		de: "Steht genau %s auf Ihrem Fahrzeug?",
		fr: "Est-ce exactement %s qui figure sur votre véhicule ?",
		es: "¿Es exactamente %s lo que figura en su vehículo?",
	},
	CurrentAnswer: msg{
		en: "Current answer: %s",
		de: "Bisherige Antwort: %s",
		fr: "Réponse actuelle : %s",
		es: "Respuesta actual: %s",
	},
	HelpReview: msg{
		en: "This is the summary of your answers. Press Edit next to an answer to change it, or Submit to send everything to the team.",
		de: "Das ist die Zusammenfassung Ihrer Antworten. Drücken Sie Ändern neben einer Antwort, um sie zu ändern, oder Absenden, um alles an das Team zu senden.",
		fr: "Voici le récapitulatif de vos réponses. Appuyez sur Modifier à côté d'une réponse pour la changer, ou sur Envoyer pour tout transmettre à l'équipe.",
		es: "Este es el resumen de sus respuestas. Pulse Cambiar junto a una respuesta para modificarla, o Enviar para mandarlo todo al equipo.",
	},
	HelpVINCheck: msg{
		en: "The 9th character of a North American VIN is a check digit computed from the others, so a mismatch usually means a typo. " +
			"If you have checked the VIN and it is right, say yes; otherwise say no and type it again.",
		de: "Das 9. Zeichen einer nordamerikanischen FIN ist eine Prüfziffer, die aus den anderen berechnet wird; passt sie nicht, ist es meist ein Tippfehler. " +
			"Wenn Sie die FIN geprüft haben und sie stimmt, sagen Sie ja; sonst nein, und geben Sie sie neu ein.",
		fr: "Le 9e caractère d'un VIN nord-américain est une clé de contrôle calculée à partir des autres ; une différence signifie en général une faute de frappe. " +
			"Si vous avez vérifié le VIN et qu'il est juste, répondez oui ; sinon répondez non et saisissez-le à nouveau.",
		es: "El 9.º carácter de un VIN norteamericano es un dígito de control calculado a partir de los demás; si no cuadra, suele ser una errata. " +
			"Si ha comprobado el VIN y es correcto, diga sí; si no, diga no y escríbalo de nuevo.",
	},
	HelpChoiceConfirm: msg{
		en: "Say yes if that is what the problem is mainly about, or press the one that fits better.",
		de: "Sagen Sie ja, wenn es hauptsächlich darum geht, oder drücken Sie, was besser passt.",
		fr: "Répondez oui si c'est bien le sujet principal du problème, ou appuyez sur ce qui convient mieux.",
		es: "Diga sí si de eso trata principalmente el problema, o pulse la opción que encaje mejor.",
	},
	HelpYearConfirm: msg{
		en: "The 10th character of a North American or Chinese VIN gives the model year. Press the year that is right.",
		de: "Das 10. Zeichen einer nordamerikanischen oder chinesischen FIN gibt das Modelljahr an. Drücken Sie das richtige Jahr.",
		fr: "Le 10e caractère d'un VIN nord-américain ou chinois donne l'année de modèle. Appuyez sur l'année exacte.",
		es: "El 10.º carácter de un VIN norteamericano o chino indica el año de modelo. Pulse el año correcto.",
	},
	HelpUnit: msg{
		en: "Tell me whether the odometer shows kilometres or miles.",
		de: "Sagen Sie mir, ob der Zähler Kilometer oder Meilen anzeigt.",
		fr: "Dites-moi si le compteur affiche des kilomètres ou des miles.",
		es: "Dígame si el cuentakilómetros marca kilómetros o millas.",
	},
	HelpWhichWrong: msg{
		en: "Press the detail that is wrong: I'll ask you for it and keep the others.",
		de: "Drücken Sie auf die falsche Angabe: Ich frage Sie danach und behalte die anderen.",
		fr: "Appuyez sur le détail qui est faux : je vous le demanderai et garderai les autres.",
		es: "Pulse el dato que está mal: se lo preguntaré y guardaré los demás.",
	},
	HelpPending: msg{
		en: "I found these details in your message. Yes keeps them and I won't ask for them again; no lets you say which one is wrong.",
		de: "Diese Angaben habe ich in Ihrer Nachricht gefunden. Mit ja behalte ich sie und frage nicht noch einmal; mit nein können Sie sagen, welche falsch ist.",
		fr: "J'ai trouvé ces détails dans votre message. Oui les garde et je ne vous les redemanderai pas ; non vous permet de dire lequel est faux.",
		es: "He encontrado estos datos en su mensaje. Sí los guarda y no se los volveré a pedir; no le permite decir cuál está mal.",
	},
	HelpConsent: msg{
		en: "Press %s to begin, or Cancel to stop. Nothing is shared until you submit the summary at the end.",
		de: "Drücken Sie %s, um zu beginnen, oder Abbrechen, um aufzuhören. Nichts wird weitergegeben, bevor Sie die Zusammenfassung am Ende absenden.",
		fr: "Appuyez sur %s pour commencer, ou sur Annuler pour arrêter. Rien n'est partagé avant que vous n'envoyiez le récapitulatif à la fin.",
		es: "Pulse %s para empezar, o Cancelar para parar. No se comparte nada hasta que envíe el resumen al final.",
	},
	FirstButton: msg{
		en: "the first button",
		de: "die erste Schaltfläche",
		fr: "le premier bouton",
		es: "el primer botón",
	},
	HelpTicketRequired: msg{
		en: "Type the ticket or case number from your earlier contact with service, for example SR-1234567.",
		de: "Geben Sie die Ticket- oder Vorgangsnummer aus Ihrem früheren Kontakt mit dem Service ein, zum Beispiel SR-1234567.",
		fr: "Saisissez le numéro de ticket ou de dossier de votre précédent contact avec le service, par exemple SR-1234567.",
		es: "Escriba el número de ticket o de caso de su contacto anterior con el servicio, por ejemplo SR-1234567.",
	},
	HelpTicket: msg{
		en: "Type the ticket or case number from your earlier contact with service, for example SR-1234567, or none if you have not had one.",
		de: "Geben Sie die Ticket- oder Vorgangsnummer aus Ihrem früheren Kontakt mit dem Service ein, zum Beispiel SR-1234567, oder keine, wenn Sie keine haben.",
		fr: "Saisissez le numéro de ticket ou de dossier de votre précédent contact avec le service, par exemple SR-1234567, ou aucun si vous n'en avez pas.",
		es: "Escriba el número de ticket o de caso de su contacto anterior con el servicio, por ejemplo SR-1234567, o ninguno si no tiene.",
	},
	HelpVIN: msg{
		en: "The VIN has 17 letters and digits. You'll find it in the app, on your registration, or through the windshield at the bottom of the driver's side.",
		de: "Die FIN hat 17 Buchstaben und Ziffern. Sie finden sie in der App, im Fahrzeugschein oder unten an der Windschutzscheibe auf der Fahrerseite.",
		fr: "Le VIN compte 17 lettres et chiffres. Vous le trouverez dans l'application, sur la carte grise ou en bas du pare-brise côté conducteur.",
		es: "El VIN tiene 17 letras y cifras. Lo encontrará en la aplicación, en el permiso de circulación o en la parte baja del parabrisas, del lado del conductor.",
	},
	HelpYear: msg{
		en: "Type the model year as four digits, from %d to %d.",
		de: "Geben Sie das Modelljahr vierstellig ein, von %d bis %d.",
		fr: "Saisissez l'année de modèle en quatre chiffres, de %d à %d.",
		es: "Escriba el año del modelo con cuatro cifras, de %d a %d.",
	},
	HelpOdometer: msg{
		en: "Type the odometer reading with its unit, for example 45,000 mi or 72000 km.",
		de: "Geben Sie den Kilometerstand mit Einheit ein, zum Beispiel 72000 km oder 45.000 mi.",
		fr: "Saisissez le kilométrage avec son unité, par exemple 72000 km ou 45 000 mi.",
		es: "Escriba el kilometraje con su unidad, por ejemplo 72000 km o 45.000 mi.",
	},
	HelpChoice: msg{
		en: "Press a button, or type its number or name: %s.",
		de: "Drücken Sie eine Schaltfläche oder schreiben Sie ihre Nummer oder ihren Namen: %s.",
		fr: "Appuyez sur un bouton, ou écrivez son numéro ou son nom : %s.",
		es: "Pulse un botón, o escriba su número o su nombre: %s.",
	},
	HelpTextMin: msg{
		en: "Write it in your own words, at least %d characters.",
		de: "Schreiben Sie es in eigenen Worten, mindestens %d Zeichen.",
		fr: "Écrivez-le avec vos propres mots, au moins %d caractères.",
		es: "Escríbalo con sus propias palabras, al menos %d caracteres.",
	},
	HelpText: msg{
		en: "Write it in your own words.",
		de: "Schreiben Sie es in eigenen Worten.",
		fr: "Écrivez-le avec vos propres mots.",
		es: "Escríbalo con sus propias palabras.",
	},
	HelpSkippable: msg{
		en: " You can skip this one.",
		de: " Diese Frage können Sie überspringen.",
		fr: " Vous pouvez passer celle-ci.",
		es: " Puede saltar esta.",
	},
	Review: msg{
		en: "Here is everything you told me. Edit anything that is wrong, then press Submit to send it to the team.",
		de: "Hier ist alles, was Sie mir gesagt haben. Ändern Sie, was nicht stimmt, und drücken Sie dann Absenden, um es an das Team zu senden.",
		fr: "Voici tout ce que vous m'avez dit. Modifiez ce qui est faux, puis appuyez sur Envoyer pour le transmettre à l'équipe.",
		es: "Esto es todo lo que me ha contado. Cambie lo que no sea correcto y pulse Enviar para mandarlo al equipo.",
	},
	NotYet: msg{
		en: "There are still a few questions before you can submit.",
		de: "Vor dem Absenden sind noch ein paar Fragen offen.",
		fr: "Il reste encore quelques questions avant de pouvoir envoyer.",
		es: "Quedan algunas preguntas antes de poder enviar.",
	},
	VINCheck: msg{
		en: "The 9th character of this VIN (its check digit) does not match the rest of it.",
		de: "Das 9. Zeichen dieser FIN (die Prüfziffer) passt nicht zum Rest.",
		fr: "Le 9e caractère de ce VIN (sa clé de contrôle) ne correspond pas au reste.",
		es: "El 9.º carácter de este VIN (su dígito de control) no cuadra con el resto.",
	},
	VINCheckWant: msg{
		en: "The 9th character of this VIN should be %c for the rest of it to add up; please check it for a typo.",
		de: "Das 9. Zeichen dieser FIN müsste %c sein, damit der Rest aufgeht; bitte prüfen Sie sie auf Tippfehler.",
		fr: "Le 9e caractère de ce VIN devrait être %c pour que le reste concorde ; vérifiez qu'il n'y a pas de faute de frappe.",
		es: "El 9.º carácter de este VIN debería ser %c para que el resto cuadre; compruebe que no haya una errata.",
	},
	VINLength: msg{
		en: "A VIN has 17 characters; I count %d.",
		de: "Eine FIN hat 17 Zeichen; ich zähle %d.",
		fr: "Un VIN compte 17 caractères ; j'en compte %d.",
		es: "Un VIN tiene 17 caracteres; cuento %d.",
	},
	VINIOQ: msg{
		en: "VINs never contain the letters I, O or Q; did you mean 1 or 0?",
		de: "Eine FIN enthält nie die Buchstaben I, O oder Q; meinten Sie 1 oder 0?",
		fr: "Un VIN ne contient jamais les lettres I, O ou Q ; vouliez-vous dire 1 ou 0 ?",
		es: "Un VIN nunca contiene las letras I, O ni Q; ¿quería decir 1 o 0?",
	},
	VINChars: msg{
		en: "A VIN has only letters and digits.",
		de: "Eine FIN besteht nur aus Buchstaben und Ziffern.",
		fr: "Un VIN ne contient que des lettres et des chiffres.",
		es: "Un VIN solo tiene letras y cifras.",
	},
	LanguageNow: msg{
		en: "I'll write in English from now on.",
		de: "Ich schreibe Ihnen ab jetzt auf Deutsch.",
		fr: "Je vous écris désormais en français.",
		es: "A partir de ahora le escribo en español.",
	},
	LanguageChoose: msg{
		en: "Which language would you like? I can write in: %s.",
		de: "Welche Sprache möchten Sie? Ich kann schreiben auf: %s.",
		fr: "Quelle langue souhaitez-vous ? Je peux écrire en : %s.",
		es: "¿Qué idioma prefiere? Puedo escribir en: %s.",
	},
	LanguageUnknown: msg{
		en: "I can't write in \"%s\". I can write in: %s.",
		de: "Auf „%s“ kann ich nicht schreiben. Ich kann schreiben auf: %s.",
		fr: "Je ne peux pas écrire en « %s ». Je peux écrire en : %s.",
		es: "No puedo escribir en «%s». Puedo escribir en: %s.",
	},
	LanguageOffer: msg{
		en: "I can write in English too: press English, or type language en.",
		de: "Ich kann auch Deutsch: Drücken Sie Deutsch oder schreiben Sie sprache de.",
		fr: "Je peux aussi écrire en français : appuyez sur Français ou écrivez langue fr.",
		es: "También puedo escribir en español: pulse Español o escriba idioma es.",
	},
	Yes:        msg{en: "Yes", de: "Ja", fr: "Oui", es: "Sí"},
	No:         msg{en: "No", de: "Nein", fr: "Non", es: "No"},
	Back:       msg{en: "Back", de: "Zurück", fr: "Retour", es: "Atrás"},
	Cancel:     msg{en: "Cancel", de: "Abbrechen", fr: "Annuler", es: "Cancelar"},
	Other:      msg{en: "Other", de: "Andere", fr: "Autre", es: "Otro"},
	Skip:       msg{en: "Skip", de: "Überspringen", fr: "Passer", es: "Saltar"},
	Submit:     msg{en: "Submit", de: "Absenden", fr: "Envoyer", es: "Enviar"},
	Restart:    msg{en: "Restart", de: "Neu starten", fr: "Recommencer", es: "Reiniciar"},
	Edit:       msg{en: "Edit %s", de: "Ändern: %s", fr: "Modifier : %s", es: "Cambiar: %s"},
	AllOfThem:  msg{en: "All of them", de: "Alle", fr: "Tous", es: "Todos"},
	Km:         msg{en: "Kilometres", de: "Kilometer", fr: "Kilomètres", es: "Kilómetros"},
	Miles:      msg{en: "Miles", de: "Meilen", fr: "Miles", es: "Millas"},
	VINCorrect: msg{en: "Yes, it's correct", de: "Ja, sie stimmt", fr: "Oui, c'est exact", es: "Sí, es correcto"},
	VINReenter: msg{en: "No, re-enter", de: "Nein, neu eingeben", fr: "Non, ressaisir", es: "No, volver a escribir"},
	NoTicket:   msg{en: "none", de: "keine", fr: "aucun", es: "ninguno"},
}
