package bot

// ownershipTexts are the core's sentences to an owner about the check that the vehicle is
// theirs. A "not verified" reads the same whether the VIN is unknown or someone else's.
type ownershipTexts struct {
	Verified, NotVerified, Unknown, CarryOnFlag, CarryOnHold, Held, HeldStatus text
	ProofThanks, ProofNotNeeded, ProofApproved, ProofReleased, ProofRejected   text
	FlagNoted                                                                  text
}

var owned = ownershipTexts{
	Verified: text{
		En: "Thank you: this vehicle is registered to you.",
		De: "Danke: Dieses Fahrzeug ist auf Sie registriert.",
		Fr: "Merci : ce véhicule est bien enregistré à votre nom.",
		Es: "Gracias: este vehículo está registrado a su nombre.",
	},
	NotVerified: text{
		En: "We could not confirm that this vehicle is registered to you.",
		De: "Wir konnten nicht bestätigen, dass dieses Fahrzeug auf Sie registriert ist.",
		Fr: "Nous n'avons pas pu confirmer que ce véhicule est enregistré à votre nom.",
		Es: "No hemos podido confirmar que este vehículo esté registrado a su nombre.",
	},
	Unknown: text{
		En: "We could not check just now that this vehicle is registered to you.",
		De: "Wir konnten gerade nicht prüfen, ob dieses Fahrzeug auf Sie registriert ist.",
		Fr: "Nous n'avons pas pu vérifier pour l'instant que ce véhicule est enregistré à votre nom.",
		Es: "No hemos podido comprobar ahora mismo que este vehículo esté registrado a su nombre.",
	},
	CarryOnFlag: text{
		En: "You can carry on; the team will see that ownership is not confirmed. If you have the registration at hand, send a photo of it here and a moderator will check it.",
		De: "Sie können weitermachen; das Team sieht, dass der Besitz nicht bestätigt ist. Wenn Sie den Fahrzeugschein zur Hand haben, senden Sie hier ein Foto davon, und ein Moderator prüft es.",
		Fr: "Vous pouvez continuer ; l'équipe verra que la propriété n'est pas confirmée. Si vous avez la carte grise sous la main, envoyez-en une photo ici et un modérateur la vérifiera.",
		Es: "Puede continuar; el equipo verá que la titularidad no está confirmada. Si tiene a mano el permiso de circulación, envíe aquí una foto y un moderador la revisará.",
	},
	CarryOnHold: text{
		En: "You can carry on; a moderator confirms ownership before your case reaches the team. To speed this up, send a photo of the vehicle's registration here.",
		De: "Sie können weitermachen; ein Moderator bestätigt den Besitz, bevor Ihr Fall das Team erreicht. Das geht schneller, wenn Sie hier ein Foto des Fahrzeugscheins senden.",
		Fr: "Vous pouvez continuer ; un modérateur confirme la propriété avant que votre dossier n'arrive à l'équipe. Pour aller plus vite, envoyez ici une photo de la carte grise.",
		Es: "Puede continuar; un moderador confirma la titularidad antes de que su caso llegue al equipo. Para ir más rápido, envíe aquí una foto del permiso de circulación.",
	},
	Held: text{
		En: "Your case %s is filed. Before it goes to the team, a moderator confirms that the vehicle is yours; you will hear here. A photo of the registration sent here speeds this up.",
		De: "Ihr Fall %s ist erfasst. Bevor er an das Team geht, bestätigt ein Moderator, dass das Fahrzeug Ihnen gehört; Sie hören hier davon. Ein Foto des Fahrzeugscheins hier beschleunigt das.",
		Fr: "Votre dossier %s est enregistré. Avant qu'il n'aille à l'équipe, un modérateur confirme que le véhicule est à vous ; vous serez informé ici. Une photo de la carte grise envoyée ici accélère les choses.",
		Es: "Su caso %s está registrado. Antes de que llegue al equipo, un moderador confirma que el vehículo es suyo; recibirá noticias aquí. Una foto del permiso de circulación enviada aquí lo acelera.",
	},
	HeldStatus: text{
		En: "Your case %s waits for a moderator to confirm that the vehicle is yours. You can send a photo of the registration here.",
		De: "Ihr Fall %s wartet darauf, dass ein Moderator bestätigt, dass das Fahrzeug Ihnen gehört. Sie können hier ein Foto des Fahrzeugscheins senden.",
		Fr: "Votre dossier %s attend qu'un modérateur confirme que le véhicule est à vous. Vous pouvez envoyer ici une photo de la carte grise.",
		Es: "Su caso %s espera a que un moderador confirme que el vehículo es suyo. Puede enviar aquí una foto del permiso de circulación.",
	},
	ProofThanks: text{
		En: "Thank you. A moderator will look at the photo; you will hear here.",
		De: "Danke. Ein Moderator sieht sich das Foto an; Sie hören hier davon.",
		Fr: "Merci. Un modérateur va examiner la photo ; vous serez informé ici.",
		Es: "Gracias. Un moderador revisará la foto; recibirá noticias aquí.",
	},
	ProofNotNeeded: text{
		En: "Thank you, but no photo is needed: there is no vehicle waiting for its ownership to be confirmed.",
		De: "Danke, aber es ist kein Foto nötig: Kein Fahrzeug wartet auf die Bestätigung des Besitzes.",
		Fr: "Merci, mais aucune photo n'est nécessaire : aucun véhicule n'attend de confirmation de propriété.",
		Es: "Gracias, pero no hace falta ninguna foto: ningún vehículo espera la confirmación de su titularidad.",
	},
	ProofApproved: text{
		En: "A moderator confirmed that the vehicle is yours.",
		De: "Ein Moderator hat bestätigt, dass das Fahrzeug Ihnen gehört.",
		Fr: "Un modérateur a confirmé que le véhicule est à vous.",
		Es: "Un moderador ha confirmado que el vehículo es suyo.",
	},
	ProofReleased: text{
		En: " Your case %s is now with the team.",
		De: " Ihr Fall %s liegt jetzt beim Team.",
		Fr: " Votre dossier %s est maintenant entre les mains de l'équipe.",
		Es: " Su caso %s está ahora en manos del equipo.",
	},
	ProofRejected: text{
		En: "A moderator could not confirm from the photo that the vehicle is yours. You can send a clearer photo of the registration here.",
		De: "Ein Moderator konnte anhand des Fotos nicht bestätigen, dass das Fahrzeug Ihnen gehört. Sie können hier ein deutlicheres Foto des Fahrzeugscheins senden.",
		Fr: "Un modérateur n'a pas pu confirmer d'après la photo que le véhicule est à vous. Vous pouvez envoyer ici une photo plus nette de la carte grise.",
		Es: "Un moderador no ha podido confirmar con la foto que el vehículo sea suyo. Puede enviar aquí una foto más clara del permiso de circulación.",
	},
	FlagNoted: text{
		En: "The team handling your case %s will see that ownership is not confirmed.",
		De: "Das Team, das Ihren Fall %s bearbeitet, sieht, dass der Besitz nicht bestätigt ist.",
		Fr: "L'équipe qui traite votre dossier %s verra que la propriété n'est pas confirmée.",
		Es: "El equipo que gestiona su caso %s verá que la titularidad no está confirmada.",
	},
}
