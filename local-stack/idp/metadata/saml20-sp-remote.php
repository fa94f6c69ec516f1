<?php
// The service providers this IdP answers: those in the stack's sp-remote.json (written by
// local-stack/idp.ts: the stack's Auth, with its entity ID and ACS URL), each as
// {"entityId": …, "acs": …, "assertionLifetime"?: seconds}.
$state = getenv('FLUXERA_IDP_STATE') ?: sys_get_temp_dir() . '/fluxera-idp';
$file = $state . '/sp-remote.json';
foreach (is_file($file) ? (json_decode(file_get_contents($file), true) ?: []) : [] as $sp) {
    $metadata[$sp['entityId']] = [
        'AssertionConsumerService' => [
            ['Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', 'Location' => $sp['acs']],
        ],
        'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        'assertion.lifetime' => $sp['assertionLifetime'] ?? 300,
        'simplesaml.attributes' => true,
    ];
}
