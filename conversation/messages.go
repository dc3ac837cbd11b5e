package conversation

import "fmt"

// Words is one text in every language the intake speaks (Languages): the engine's own
// sentences here, the core's and the cards' words in bot/ and presentation/. Tests check that
// every text has every language and the same verbs in each.
type Words struct{ En, De, Fr, Es string }

// In is w in lang; English for a language the intake does not speak.
func (w Words) In(lang string) string {
	switch lang {
	case LangGerman:
		return w.De
	case LangFrench:
		return w.Fr
	case LangSpanish:
		return w.Es
	}
	return w.En
}

// F formats w in lang.
func (w Words) F(lang string, args ...any) string { return fmt.Sprintf(w.In(lang), args...) }

// msg is one sentence of the engine's own. The flow carries its questions; these are what the
// engine says around them.
type msg = Words

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
		En: "The questions have changed since we last spoke, so let's start again.",
		De: "Die Fragen haben sich seit unserem letzten Gespräch geändert, deshalb fangen wir neu an.",
		Fr: "Les questions ont changé depuis notre dernier échange, alors recommençons.",
		Es: "Las preguntas han cambiado desde la última vez, así que empecemos de nuevo.",
	},
	ReviewCheck: msg{
		En: "Please check your answers: press Submit to send them, or Edit to change one.",
		De: "Bitte prüfen Sie Ihre Antworten: Drücken Sie Absenden, um sie zu senden, oder Ändern, um eine zu korrigieren.",
		Fr: "Vérifiez vos réponses : appuyez sur Envoyer pour les transmettre, ou sur Modifier pour en changer une.",
		Es: "Revise sus respuestas: pulse Enviar para mandarlas, o Cambiar para corregir una.",
	},
	NotCaught: msg{
		En: "Sorry, I didn't catch that.",
		De: "Entschuldigung, das habe ich nicht verstanden.",
		Fr: "Désolé, je n'ai pas compris.",
		Es: "Perdone, no le he entendido.",
	},
	Cancelled: msg{
		En: "Cancelled. Nothing has been sent. Write to me any time to start again.",
		De: "Abgebrochen. Es wurde nichts gesendet. Schreiben Sie mir jederzeit, um neu zu beginnen.",
		Fr: "Annulé. Rien n'a été envoyé. Écrivez-moi quand vous voulez pour recommencer.",
		Es: "Cancelado. No se ha enviado nada. Escríbame cuando quiera para empezar de nuevo.",
	},
	SubmittedAlready: msg{
		En: "Your case has been submitted and is with the team. Type status for news, or restart to report a different problem.",
		De: "Ihr Fall wurde eingereicht und liegt beim Team. Schreiben Sie status für Neuigkeiten oder neu starten, um ein anderes Problem zu melden.",
		Fr: "Votre dossier a été envoyé et se trouve chez l'équipe. Écrivez statut pour avoir des nouvelles, ou recommencer pour signaler un autre problème.",
		Es: "Su caso se ha enviado y está con el equipo. Escriba estado para tener noticias, o reiniciar para informar de otro problema.",
	},
	FirstQuestion: msg{
		En: "This is the first question.",
		De: "Das ist die erste Frage.",
		Fr: "C'est la première question.",
		Es: "Esta es la primera pregunta.",
	},
	NothingToSkip: msg{
		En: "There is nothing to skip here.",
		De: "Hier gibt es nichts zu überspringen.",
		Fr: "Il n'y a rien à passer ici.",
		Es: "Aquí no hay nada que saltar.",
	},
	CannotSkip: msg{
		En: "Sorry, this question can't be skipped; the team needs the answer to take up your case.",
		De: "Diese Frage kann leider nicht übersprungen werden; das Team braucht die Antwort, um Ihren Fall zu bearbeiten.",
		Fr: "Désolé, cette question ne peut pas être passée : l'équipe a besoin de la réponse pour prendre en charge votre dossier.",
		Es: "Lo siento, esta pregunta no se puede saltar: el equipo necesita la respuesta para atender su caso.",
	},
	WhichToEdit: msg{
		En: "Which answer would you like to change?",
		De: "Welche Antwort möchten Sie ändern?",
		Fr: "Quelle réponse voulez-vous modifier ?",
		Es: "¿Qué respuesta quiere cambiar?",
	},
	NoSuchQuestion: msg{
		En: "I don't have a question called \"%s\". You can edit: %s.",
		De: "Eine Frage „%s“ gibt es nicht. Sie können ändern: %s.",
		Fr: "Je n'ai pas de question « %s ». Vous pouvez modifier : %s.",
		Es: "No tengo ninguna pregunta llamada «%s». Puede cambiar: %s.",
	},
	ControlHelp: msg{
		En: "You can also type: back (previous question), skip (optional questions), edit <field> (change an answer, e.g. edit vin), " +
			"restart (start over), cancel (stop; nothing is sent), help, status (news on a submitted case), or language de, fr, es, en.",
		De: "Sie können auch schreiben: zurück (vorherige Frage), überspringen (freiwillige Fragen), ändern <Feld> (eine Antwort ändern, z. B. ändern vin), " +
			"neu starten (von vorn), abbrechen (aufhören; nichts wird gesendet), hilfe, status (Neuigkeiten zu einem eingereichten Fall) oder sprache en, fr, es, de.",
		Fr: "Vous pouvez aussi écrire : retour (question précédente), passer (questions facultatives), modifier <champ> (changer une réponse, par ex. modifier vin), " +
			"recommencer (tout reprendre), annuler (arrêter ; rien n'est envoyé), aide, statut (nouvelles d'un dossier envoyé) ou langue en, de, es, fr.",
		Es: "También puede escribir: atrás (pregunta anterior), saltar (preguntas opcionales), editar <campo> (cambiar una respuesta, p. ej. editar vin), " +
			"reiniciar (empezar de nuevo), cancelar (parar; no se envía nada), ayuda, estado (noticias de un caso enviado) o idioma en, de, fr, es.",
	},
	KeptFirst: msg{
		En: "That was long, so I kept the first %d characters.",
		De: "Das war lang, ich habe die ersten %d Zeichen behalten.",
		Fr: "C'était long, j'ai gardé les %d premiers caractères.",
		Es: "Era largo, así que he guardado los primeros %d caracteres.",
	},
	PickOneOf: msg{
		En: "Please pick one of: %s.",
		De: "Bitte wählen Sie eines davon: %s.",
		Fr: "Veuillez choisir parmi : %s.",
		Es: "Elija una de estas opciones: %s.",
	},
	StaleButton: msg{
		En: "That button belongs to an earlier question.",
		De: "Diese Schaltfläche gehört zu einer früheren Frage.",
		Fr: "Ce bouton appartient à une question précédente.",
		Es: "Ese botón pertenece a una pregunta anterior.",
	},
	KeptDraft: msg{
		En: "I kept what you wrote as the description of the problem; you can change it on the summary at the end.",
		De: "Ich habe Ihren Text als Beschreibung des Problems übernommen; Sie können ihn in der Zusammenfassung am Ende ändern.",
		Fr: "J'ai gardé ce que vous avez écrit comme description du problème ; vous pourrez la modifier dans le récapitulatif à la fin.",
		Es: "He guardado lo que escribió como descripción del problema; puede cambiarla en el resumen al final.",
	},
	CouldNotTell: msg{
		En: "I couldn't tell which of these it is; please press the closest one.",
		De: "Ich konnte nicht erkennen, was davon zutrifft; bitte drücken Sie das Passendste.",
		Fr: "Je n'ai pas pu déterminer lequel c'est ; appuyez sur le plus proche.",
		Es: "No he podido saber cuál es; pulse la opción más parecida.",
	},
	TypeVINAgain: msg{
		En: "All right, please type the VIN again.",
		De: "In Ordnung, bitte geben Sie die FIN noch einmal ein.",
		Fr: "D'accord, veuillez saisir à nouveau le VIN.",
		Es: "De acuerdo, escriba de nuevo el VIN.",
	},
	WhichFits: msg{
		En: "Which one fits best, then?",
		De: "Was passt dann am besten?",
		Fr: "Lequel correspond le mieux, alors ?",
		Es: "Entonces, ¿cuál encaja mejor?",
	},
	CouldNotUse: msg{
		En: "Sorry, I couldn't use that answer.",
		De: "Mit dieser Antwort kann ich leider nichts anfangen.",
		Fr: "Désolé, je ne peux pas utiliser cette réponse.",
		Es: "Lo siento, no puedo usar esa respuesta.",
	},
	NoAnswerHere: msg{
		En: "I can't take an answer to this question.",
		De: "Auf diese Frage kann ich keine Antwort annehmen.",
		Fr: "Je ne peux pas prendre de réponse à cette question.",
		Es: "No puedo aceptar una respuesta a esta pregunta.",
	},
	TypeFewWords: msg{
		En: "Please type a few words for %s.",
		De: "Bitte schreiben Sie ein paar Worte für: %s.",
		Fr: "Veuillez écrire quelques mots pour : %s.",
		Es: "Escriba unas palabras para: %s.",
	},
	YearDigits: msg{
		En: "Please give the model year as four digits, for example %d.",
		De: "Bitte geben Sie das Modelljahr vierstellig an, zum Beispiel %d.",
		Fr: "Veuillez indiquer l'année du modèle en quatre chiffres, par exemple %d.",
		Es: "Indique el año del modelo con cuatro cifras, por ejemplo %d.",
	},
	YearRange: msg{
		En: "Model years here run from %d to %d; %d is outside that.",
		De: "Modelljahre reichen hier von %d bis %d; %d liegt außerhalb.",
		Fr: "Les années de modèle vont ici de %d à %d ; %d est en dehors.",
		Es: "Los años de modelo van aquí de %d a %d; %d queda fuera.",
	},
	TicketRequired: msg{
		En: "This line is for problems that normal service has not solved, so I need the number of your earlier service ticket or case. " +
			"If you have not contacted service yet, please start there; they can often help quickly.",
		De: "Diese Linie ist für Probleme, die der normale Service nicht gelöst hat; ich brauche daher die Nummer Ihres früheren Service-Tickets oder Vorgangs. " +
			"Wenn Sie den Service noch nicht kontaktiert haben, beginnen Sie bitte dort; oft kann er schnell helfen.",
		Fr: "Cette ligne est réservée aux problèmes que le service habituel n'a pas résolus : il me faut donc le numéro de votre ticket ou dossier de service. " +
			"Si vous n'avez pas encore contacté le service, commencez par là ; il peut souvent aider rapidement.",
		Es: "Esta línea es para problemas que el servicio habitual no ha resuelto, así que necesito el número de su ticket o caso de servicio anterior. " +
			"Si aún no ha contactado con el servicio, empiece por ahí; a menudo pueden ayudar rápido.",
	},
	TicketShapeRequired: msg{
		En: "That doesn't look like a ticket or case number. Please type the number, for example SR-1234567.",
		De: "Das sieht nicht nach einer Ticket- oder Vorgangsnummer aus. Bitte geben Sie die Nummer ein, zum Beispiel SR-1234567.",
		Fr: "Cela ne ressemble pas à un numéro de ticket ou de dossier. Veuillez saisir le numéro, par exemple SR-1234567.",
		Es: "Eso no parece un número de ticket o de caso. Escriba el número, por ejemplo SR-1234567.",
	},
	TicketShape: msg{
		En: "That doesn't look like a ticket or case number. Please type the number, for example SR-1234567, or \"none\" if you have not had one.",
		De: "Das sieht nicht nach einer Ticket- oder Vorgangsnummer aus. Bitte geben Sie die Nummer ein, zum Beispiel SR-1234567, oder „keine“, wenn Sie keine haben.",
		Fr: "Cela ne ressemble pas à un numéro de ticket ou de dossier. Veuillez saisir le numéro, par exemple SR-1234567, ou « aucun » si vous n'en avez pas.",
		Es: "Eso no parece un número de ticket o de caso. Escriba el número, por ejemplo SR-1234567, o «ninguno» si no tiene.",
	},
	TellMore: msg{
		En: "Please tell me a little more: at least %d characters (that was %d).",
		De: "Bitte erzählen Sie mir etwas mehr: mindestens %d Zeichen (das waren %d).",
		Fr: "Dites-m'en un peu plus : au moins %d caractères (il y en avait %d).",
		Es: "Cuénteme un poco más: al menos %d caracteres (eran %d).",
	},
	PressToGoOn: msg{
		En: "Please press %s to go on, or Cancel to stop.",
		De: "Bitte drücken Sie %s, um fortzufahren, oder Abbrechen, um aufzuhören.",
		Fr: "Appuyez sur %s pour continuer, ou sur Annuler pour arrêter.",
		Es: "Pulse %s para continuar, o Cancelar para parar.",
	},
	OrOther: msg{
		En: " or %d. Other (type your own)",
		De: " oder %d. Andere (selbst eingeben)",
		Fr: " ou %d. Autre (à saisir)",
		Es: " o %d. Otro (escríbalo usted)",
	},
	OdometerShape: msg{
		En: "Please give the odometer reading as a number with km or mi, for example 45,000 mi or 72000 km.",
		De: "Bitte geben Sie den Kilometerstand als Zahl mit km oder mi an, zum Beispiel 72.000 km oder 45000 mi.",
		Fr: "Veuillez indiquer le kilométrage en chiffres avec km ou mi, par exemple 72 000 km ou 45000 mi.",
		Es: "Indique el kilometraje como número con km o mi, por ejemplo 72.000 km o 45000 mi.",
	},
	OdometerTooBig: msg{
		En: "That is more than I'd expect on an odometer; please check the number.",
		De: "Das ist mehr, als ein Kilometerzähler zeigen dürfte; bitte prüfen Sie die Zahl.",
		Fr: "C'est plus que ce qu'un compteur devrait afficher ; veuillez vérifier le nombre.",
		Es: "Es más de lo que debería marcar un cuentakilómetros; compruebe el número.",
	},
	Corrected: msg{
		En: "Thanks, I corrected that.",
		De: "Danke, ich habe das korrigiert.",
		Fr: "Merci, j'ai corrigé.",
		Es: "Gracias, lo he corregido.",
	},
	YesOrNo: msg{
		En: "Please answer yes or no.",
		De: "Bitte antworten Sie mit ja oder nein.",
		Fr: "Veuillez répondre par oui ou par non.",
		Es: "Responda sí o no, por favor.",
	},
	WillAskIt: msg{
		En: "No problem; I'll ask you for it.",
		De: "Kein Problem; ich frage Sie danach.",
		Fr: "Pas de problème ; je vous le demanderai.",
		Es: "No hay problema; se lo preguntaré.",
	},
	WillAskEach: msg{
		En: "No problem; I'll ask you for each of them.",
		De: "Kein Problem; ich frage Sie nach jedem davon.",
		Fr: "Pas de problème ; je vous les demanderai un par un.",
		Es: "No hay problema; le preguntaré por cada uno.",
	},
	PressWrong: msg{
		En: "Please press the one that is wrong.",
		De: "Bitte drücken Sie auf die Angabe, die falsch ist.",
		Fr: "Appuyez sur celui qui est faux.",
		Es: "Pulse el que está mal.",
	},
	KeptRest: msg{
		En: "Thanks. I kept the rest and will ask for the %s; you can change anything on the summary at the end.",
		De: "Danke. Den Rest habe ich behalten und frage nach: %s; in der Zusammenfassung am Ende können Sie alles ändern.",
		Fr: "Merci. J'ai gardé le reste et je vous demanderai : %s ; vous pourrez tout modifier dans le récapitulatif à la fin.",
		Es: "Gracias. He guardado el resto y le preguntaré: %s; puede cambiar cualquier cosa en el resumen al final.",
	},
	WhichWrong: msg{
		En: "Which one is wrong? I'll keep the others.",
		De: "Welche Angabe ist falsch? Die anderen behalte ich.",
		Fr: "Lequel est faux ? Je garde les autres.",
		Es: "¿Cuál está mal? Guardaré los demás.",
	},
	PickedUp: msg{
		En: "I picked up: %s. Is that right?",
		De: "Ich habe verstanden: %s. Stimmt das?",
		Fr: "J'ai relevé : %s. Est-ce exact ?",
		Es: "He anotado: %s. ¿Es correcto?",
	},
	PleaseType: msg{
		En: "Please type the %s.",
		De: "Bitte geben Sie ein: %s.",
		Fr: "Veuillez saisir : %s.",
		Es: "Escriba: %s.",
	},
	AlsoTell: msg{
		En: "If you can, answer these in the same message too:",
		De: "Wenn Sie können, beantworten Sie in derselben Nachricht auch diese Fragen:",
		Fr: "Si vous le pouvez, répondez aussi à ces questions dans le même message :",
		Es: "Si puede, responda también a estas preguntas en el mismo mensaje:",
	},
	Noted: msg{
		En: "From your message I noted: %s.",
		De: "Aus Ihrer Nachricht habe ich notiert: %s.",
		Fr: "De votre message, j'ai noté : %s.",
		Es: "De su mensaje he anotado: %s.",
	},
	ConsentRight: msg{
		En: "%s; these are right",
		De: "%s; die Angaben stimmen",
		Fr: "%s ; c'est exact",
		Es: "%s; los datos son correctos",
	},
	ConsentWrong: msg{
		En: "%s; something is wrong",
		De: "%s; etwas stimmt nicht",
		Fr: "%s ; quelque chose est faux",
		Es: "%s; algo está mal",
	},
	SoundsLike: msg{
		En: "That sounds like %s: right?",
		De: "Das klingt nach %s: richtig?",
		Fr: "Cela ressemble à : %s. C'est bien ça ?",
		Es: "Parece que es: %s. ¿Correcto?",
	},
	VINYear: msg{
		En: "The VIN says model year %s (its 10th character), but I have %s. Which is right?",
		De: "Laut FIN ist das Modelljahr %s (ihr 10. Zeichen), ich habe aber %s notiert. Was stimmt?",
		Fr: "Le VIN indique l'année de modèle %s (son 10e caractère), mais j'ai noté %s. Laquelle est juste ?",
		Es: "El VIN indica el año de modelo %s (su 10.º carácter), pero tengo anotado %s. ¿Cuál es el correcto?",
	},
	KmOrMiles: msg{
		En: "Is that %s kilometres or miles?",
		De: "Sind das %s Kilometer oder Meilen?",
		Fr: "Est-ce %s kilomètres ou miles ?",
		Es: "¿Son %s kilómetros o millas?",
	},
	VINExactly: msg{
		En: "Is %s exactly what is on your vehicle?",
		De: "Steht genau %s auf Ihrem Fahrzeug?",
		Fr: "Est-ce exactement %s qui figure sur votre véhicule ?",
		Es: "¿Es exactamente %s lo que figura en su vehículo?",
	},
	CurrentAnswer: msg{
		En: "Current answer: %s",
		De: "Bisherige Antwort: %s",
		Fr: "Réponse actuelle : %s",
		Es: "Respuesta actual: %s",
	},
	HelpReview: msg{
		En: "This is the summary of your answers. Press Edit next to an answer to change it, or Submit to send everything to the team.",
		De: "Das ist die Zusammenfassung Ihrer Antworten. Drücken Sie Ändern neben einer Antwort, um sie zu ändern, oder Absenden, um alles an das Team zu senden.",
		Fr: "Voici le récapitulatif de vos réponses. Appuyez sur Modifier à côté d'une réponse pour la changer, ou sur Envoyer pour tout transmettre à l'équipe.",
		Es: "Este es el resumen de sus respuestas. Pulse Cambiar junto a una respuesta para modificarla, o Enviar para mandarlo todo al equipo.",
	},
	HelpVINCheck: msg{
		En: "The 9th character of a North American VIN is a check digit computed from the others, so a mismatch usually means a typo. " +
			"If you have checked the VIN and it is right, say yes; otherwise say no and type it again.",
		De: "Das 9. Zeichen einer nordamerikanischen FIN ist eine Prüfziffer, die aus den anderen berechnet wird; passt sie nicht, ist es meist ein Tippfehler. " +
			"Wenn Sie die FIN geprüft haben und sie stimmt, sagen Sie ja; sonst nein, und geben Sie sie neu ein.",
		Fr: "Le 9e caractère d'un VIN nord-américain est une clé de contrôle calculée à partir des autres ; une différence signifie en général une faute de frappe. " +
			"Si vous avez vérifié le VIN et qu'il est juste, répondez oui ; sinon répondez non et saisissez-le à nouveau.",
		Es: "El 9.º carácter de un VIN norteamericano es un dígito de control calculado a partir de los demás; si no cuadra, suele ser una errata. " +
			"Si ha comprobado el VIN y es correcto, diga sí; si no, diga no y escríbalo de nuevo.",
	},
	HelpChoiceConfirm: msg{
		En: "Say yes if that is what the problem is mainly about, or press the one that fits better.",
		De: "Sagen Sie ja, wenn es hauptsächlich darum geht, oder drücken Sie, was besser passt.",
		Fr: "Répondez oui si c'est bien le sujet principal du problème, ou appuyez sur ce qui convient mieux.",
		Es: "Diga sí si de eso trata principalmente el problema, o pulse la opción que encaje mejor.",
	},
	HelpYearConfirm: msg{
		En: "The 10th character of a North American or Chinese VIN gives the model year. Press the year that is right.",
		De: "Das 10. Zeichen einer nordamerikanischen oder chinesischen FIN gibt das Modelljahr an. Drücken Sie das richtige Jahr.",
		Fr: "Le 10e caractère d'un VIN nord-américain ou chinois donne l'année de modèle. Appuyez sur l'année exacte.",
		Es: "El 10.º carácter de un VIN norteamericano o chino indica el año de modelo. Pulse el año correcto.",
	},
	HelpUnit: msg{
		En: "Tell me whether the odometer shows kilometres or miles.",
		De: "Sagen Sie mir, ob der Zähler Kilometer oder Meilen anzeigt.",
		Fr: "Dites-moi si le compteur affiche des kilomètres ou des miles.",
		Es: "Dígame si el cuentakilómetros marca kilómetros o millas.",
	},
	HelpWhichWrong: msg{
		En: "Press the detail that is wrong: I'll ask you for it and keep the others.",
		De: "Drücken Sie auf die falsche Angabe: Ich frage Sie danach und behalte die anderen.",
		Fr: "Appuyez sur le détail qui est faux : je vous le demanderai et garderai les autres.",
		Es: "Pulse el dato que está mal: se lo preguntaré y guardaré los demás.",
	},
	HelpPending: msg{
		En: "I found these details in your message. Yes keeps them and I won't ask for them again; no lets you say which one is wrong.",
		De: "Diese Angaben habe ich in Ihrer Nachricht gefunden. Mit ja behalte ich sie und frage nicht noch einmal; mit nein können Sie sagen, welche falsch ist.",
		Fr: "J'ai trouvé ces détails dans votre message. Oui les garde et je ne vous les redemanderai pas ; non vous permet de dire lequel est faux.",
		Es: "He encontrado estos datos en su mensaje. Sí los guarda y no se los volveré a pedir; no le permite decir cuál está mal.",
	},
	HelpConsent: msg{
		En: "Press %s to begin, or Cancel to stop. Nothing is shared until you submit the summary at the end.",
		De: "Drücken Sie %s, um zu beginnen, oder Abbrechen, um aufzuhören. Nichts wird weitergegeben, bevor Sie die Zusammenfassung am Ende absenden.",
		Fr: "Appuyez sur %s pour commencer, ou sur Annuler pour arrêter. Rien n'est partagé avant que vous n'envoyiez le récapitulatif à la fin.",
		Es: "Pulse %s para empezar, o Cancelar para parar. No se comparte nada hasta que envíe el resumen al final.",
	},
	FirstButton: msg{
		En: "the first button",
		De: "die erste Schaltfläche",
		Fr: "le premier bouton",
		Es: "el primer botón",
	},
	HelpTicketRequired: msg{
		En: "Type the ticket or case number from your earlier contact with service, for example SR-1234567.",
		De: "Geben Sie die Ticket- oder Vorgangsnummer aus Ihrem früheren Kontakt mit dem Service ein, zum Beispiel SR-1234567.",
		Fr: "Saisissez le numéro de ticket ou de dossier de votre précédent contact avec le service, par exemple SR-1234567.",
		Es: "Escriba el número de ticket o de caso de su contacto anterior con el servicio, por ejemplo SR-1234567.",
	},
	HelpTicket: msg{
		En: "Type the ticket or case number from your earlier contact with service, for example SR-1234567, or none if you have not had one.",
		De: "Geben Sie die Ticket- oder Vorgangsnummer aus Ihrem früheren Kontakt mit dem Service ein, zum Beispiel SR-1234567, oder keine, wenn Sie keine haben.",
		Fr: "Saisissez le numéro de ticket ou de dossier de votre précédent contact avec le service, par exemple SR-1234567, ou aucun si vous n'en avez pas.",
		Es: "Escriba el número de ticket o de caso de su contacto anterior con el servicio, por ejemplo SR-1234567, o ninguno si no tiene.",
	},
	HelpVIN: msg{
		En: "The VIN has 17 letters and digits. You'll find it in the app, on your registration, or through the windshield at the bottom of the driver's side.",
		De: "Die FIN hat 17 Buchstaben und Ziffern. Sie finden sie in der App, im Fahrzeugschein oder unten an der Windschutzscheibe auf der Fahrerseite.",
		Fr: "Le VIN compte 17 lettres et chiffres. Vous le trouverez dans l'application, sur la carte grise ou en bas du pare-brise côté conducteur.",
		Es: "El VIN tiene 17 letras y cifras. Lo encontrará en la aplicación, en el permiso de circulación o en la parte baja del parabrisas, del lado del conductor.",
	},
	HelpYear: msg{
		En: "Type the model year as four digits, from %d to %d.",
		De: "Geben Sie das Modelljahr vierstellig ein, von %d bis %d.",
		Fr: "Saisissez l'année de modèle en quatre chiffres, de %d à %d.",
		Es: "Escriba el año del modelo con cuatro cifras, de %d a %d.",
	},
	HelpOdometer: msg{
		En: "Type the odometer reading with its unit, for example 45,000 mi or 72000 km.",
		De: "Geben Sie den Kilometerstand mit Einheit ein, zum Beispiel 72000 km oder 45.000 mi.",
		Fr: "Saisissez le kilométrage avec son unité, par exemple 72000 km ou 45 000 mi.",
		Es: "Escriba el kilometraje con su unidad, por ejemplo 72000 km o 45.000 mi.",
	},
	HelpChoice: msg{
		En: "Press a button, or type its number or name: %s.",
		De: "Drücken Sie eine Schaltfläche oder schreiben Sie ihre Nummer oder ihren Namen: %s.",
		Fr: "Appuyez sur un bouton, ou écrivez son numéro ou son nom : %s.",
		Es: "Pulse un botón, o escriba su número o su nombre: %s.",
	},
	HelpTextMin: msg{
		En: "Write it in your own words, at least %d characters.",
		De: "Schreiben Sie es in eigenen Worten, mindestens %d Zeichen.",
		Fr: "Écrivez-le avec vos propres mots, au moins %d caractères.",
		Es: "Escríbalo con sus propias palabras, al menos %d caracteres.",
	},
	HelpText: msg{
		En: "Write it in your own words.",
		De: "Schreiben Sie es in eigenen Worten.",
		Fr: "Écrivez-le avec vos propres mots.",
		Es: "Escríbalo con sus propias palabras.",
	},
	HelpSkippable: msg{
		En: " You can skip this one.",
		De: " Diese Frage können Sie überspringen.",
		Fr: " Vous pouvez passer celle-ci.",
		Es: " Puede saltar esta.",
	},
	Review: msg{
		En: "Here is everything you told me. Edit anything that is wrong, then press Submit to send it to the team.",
		De: "Hier ist alles, was Sie mir gesagt haben. Ändern Sie, was nicht stimmt, und drücken Sie dann Absenden, um es an das Team zu senden.",
		Fr: "Voici tout ce que vous m'avez dit. Modifiez ce qui est faux, puis appuyez sur Envoyer pour le transmettre à l'équipe.",
		Es: "Esto es todo lo que me ha contado. Cambie lo que no sea correcto y pulse Enviar para mandarlo al equipo.",
	},
	NotYet: msg{
		En: "There are still a few questions before you can submit.",
		De: "Vor dem Absenden sind noch ein paar Fragen offen.",
		Fr: "Il reste encore quelques questions avant de pouvoir envoyer.",
		Es: "Quedan algunas preguntas antes de poder enviar.",
	},
	VINCheck: msg{
		En: "The 9th character of this VIN (its check digit) does not match the rest of it.",
		De: "Das 9. Zeichen dieser FIN (die Prüfziffer) passt nicht zum Rest.",
		Fr: "Le 9e caractère de ce VIN (sa clé de contrôle) ne correspond pas au reste.",
		Es: "El 9.º carácter de este VIN (su dígito de control) no cuadra con el resto.",
	},
	VINCheckWant: msg{
		En: "The 9th character of this VIN should be %c for the rest of it to add up; please check it for a typo.",
		De: "Das 9. Zeichen dieser FIN müsste %c sein, damit der Rest aufgeht; bitte prüfen Sie sie auf Tippfehler.",
		Fr: "Le 9e caractère de ce VIN devrait être %c pour que le reste concorde ; vérifiez qu'il n'y a pas de faute de frappe.",
		Es: "El 9.º carácter de este VIN debería ser %c para que el resto cuadre; compruebe que no haya una errata.",
	},
	VINLength: msg{
		En: "A VIN has 17 characters; I count %d.",
		De: "Eine FIN hat 17 Zeichen; ich zähle %d.",
		Fr: "Un VIN compte 17 caractères ; j'en compte %d.",
		Es: "Un VIN tiene 17 caracteres; cuento %d.",
	},
	VINIOQ: msg{
		En: "VINs never contain the letters I, O or Q; did you mean 1 or 0?",
		De: "Eine FIN enthält nie die Buchstaben I, O oder Q; meinten Sie 1 oder 0?",
		Fr: "Un VIN ne contient jamais les lettres I, O ou Q ; vouliez-vous dire 1 ou 0 ?",
		Es: "Un VIN nunca contiene las letras I, O ni Q; ¿quería decir 1 o 0?",
	},
	VINChars: msg{
		En: "A VIN has only letters and digits.",
		De: "Eine FIN besteht nur aus Buchstaben und Ziffern.",
		Fr: "Un VIN ne contient que des lettres et des chiffres.",
		Es: "Un VIN solo tiene letras y cifras.",
	},
	LanguageNow: msg{
		En: "I'll write in English from now on.",
		De: "Ich schreibe Ihnen ab jetzt auf Deutsch.",
		Fr: "Je vous écris désormais en français.",
		Es: "A partir de ahora le escribo en español.",
	},
	LanguageChoose: msg{
		En: "Which language would you like? I can write in: %s.",
		De: "Welche Sprache möchten Sie? Ich kann schreiben auf: %s.",
		Fr: "Quelle langue souhaitez-vous ? Je peux écrire en : %s.",
		Es: "¿Qué idioma prefiere? Puedo escribir en: %s.",
	},
	LanguageUnknown: msg{
		En: "I can't write in \"%s\". I can write in: %s.",
		De: "Auf „%s“ kann ich nicht schreiben. Ich kann schreiben auf: %s.",
		Fr: "Je ne peux pas écrire en « %s ». Je peux écrire en : %s.",
		Es: "No puedo escribir en «%s». Puedo escribir en: %s.",
	},
	LanguageOffer: msg{
		En: "I can write in English too: press English, or type language en.",
		De: "Ich kann auch Deutsch: Drücken Sie Deutsch oder schreiben Sie sprache de.",
		Fr: "Je peux aussi écrire en français : appuyez sur Français ou écrivez langue fr.",
		Es: "También puedo escribir en español: pulse Español o escriba idioma es.",
	},
	Yes:        msg{En: "Yes", De: "Ja", Fr: "Oui", Es: "Sí"},
	No:         msg{En: "No", De: "Nein", Fr: "Non", Es: "No"},
	Back:       msg{En: "Back", De: "Zurück", Fr: "Retour", Es: "Atrás"},
	Cancel:     msg{En: "Cancel", De: "Abbrechen", Fr: "Annuler", Es: "Cancelar"},
	Other:      msg{En: "Other", De: "Andere", Fr: "Autre", Es: "Otro"},
	Skip:       msg{En: "Skip", De: "Überspringen", Fr: "Passer", Es: "Saltar"},
	Submit:     msg{En: "Submit", De: "Absenden", Fr: "Envoyer", Es: "Enviar"},
	Restart:    msg{En: "Restart", De: "Neu starten", Fr: "Recommencer", Es: "Reiniciar"},
	Edit:       msg{En: "Edit %s", De: "Ändern: %s", Fr: "Modifier : %s", Es: "Cambiar: %s"},
	AllOfThem:  msg{En: "All of them", De: "Alle", Fr: "Tous", Es: "Todos"},
	Km:         msg{En: "Kilometres", De: "Kilometer", Fr: "Kilomètres", Es: "Kilómetros"},
	Miles:      msg{En: "Miles", De: "Meilen", Fr: "Miles", Es: "Millas"},
	VINCorrect: msg{En: "Yes, it's correct", De: "Ja, sie stimmt", Fr: "Oui, c'est exact", Es: "Sí, es correcto"},
	VINReenter: msg{En: "No, re-enter", De: "Nein, neu eingeben", Fr: "Non, ressaisir", Es: "No, volver a escribir"},
	NoTicket:   msg{En: "none", De: "keine", Fr: "aucun", Es: "ninguno"},
}
